# Import by the group push mapping id (see the statsigokta_group_pushes data source)...
terraform import statsigokta_group_push.checkout_members gPm1abcdefghijklmno2

# ...or by the id of the pushed Okta group, whose mapping is looked up.
terraform import statsigokta_group_push.checkout_members 00g1checkouteng23456
