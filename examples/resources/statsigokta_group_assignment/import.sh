# Import by Okta group id.
terraform import statsigokta_group_assignment.engineering 00g1engineering23456
