# Import by the id of the provider's Statsig app: adopts every current
# direct assignment, with no change in Okta.
terraform import statsigokta_user_assignments.all 0oa1abcdefghijklmno2
