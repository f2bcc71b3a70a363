"""Company housing (社宅): apartments, rooms, occupancies and the monthly rent deduction."""
