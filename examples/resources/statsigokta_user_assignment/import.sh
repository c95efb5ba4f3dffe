# Import by Okta user id or by login.
terraform import statsigokta_user_assignment.jane 00u1abcdefghijklmno2
terraform import statsigokta_user_assignment.jane jane.doe@acme.com
