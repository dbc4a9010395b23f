from tests.apply.conftest import region  # noqa: F401  (fixture)
from tests.staff.review import places, staff, today  # noqa: F401  (fixtures)
