"""Dispatch contracts (個別契約), assignments of employees to units, and their rates."""
