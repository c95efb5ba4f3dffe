# Adopt a link made in the Okta console. Set the target in the resource to
# match it, and the plan shows no change.
import {
  to = statsigokta_group_push.checkout_members
  id = "gPm1abcdefghijklmno2"
}
