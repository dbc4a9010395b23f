from tests.staff.review import places, staff, today  # noqa: F401  (fixtures)
