import {
  to = statsigokta_user_assignments.all
  id = "0oa1abcdefghijklmno2" # the app id
}
