"""Annual paid leave (年次有給休暇): the ledger, grants, balances, designations, export."""
