import {
  to = statsigokta_user_assignment.jane
  id = "jane.doe@acme.com"
}
