"""The employee list's sorts: one enum of fields, each on an index ``(column, id)``."""

from __future__ import annotations

from haken.modules.employees.models import Employee
from haken.modules.employees.schemas import EmployeeSortField
from haken.platform.sorting import Sorting

EMPLOYEE_SORTING = Sorting(
    "EmployeeSort",
    EmployeeSortField,
    {
        EmployeeSortField.KANA: (Employee.kana_key,),  # ix_employees_kana
        EmployeeSortField.ROMAJI: (Employee.romaji_key,),  # ix_employees_romaji
        EmployeeSortField.HIRE_DATE: (Employee.hire_date,),  # ix_employees_hire
        EmployeeSortField.CREATED: (Employee.created_at,),  # ix_employees_created
    },
    tiebreak=Employee.id,
    default="kana",
)
EmployeeSort = EMPLOYEE_SORTING.param
"""The API's ``sort`` parameter: ``kana``, ``-kana``, ``romaji`` … (OpenAPI lists them)."""
