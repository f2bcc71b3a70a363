"""Regional minimum wages (地域別最低賃金): the shipped amounts plus the years the agency enters."""
