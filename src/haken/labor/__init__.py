"""Pure Japanese labour, pay and dispatch rules: no I/O, no ORM, stdlib only."""
