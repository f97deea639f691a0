"""Import every capability's models so that Alembic and the app see all tables (one line each)."""

from xinyong.core import models as core_models  # noqa: F401
from xinyong.core import outbox as core_outbox  # noqa: F401
from xinyong.disclosure import models as disclosure_models  # noqa: F401
from xinyong.ledger import models as ledger_models  # noqa: F401
from xinyong.listing import models as listing_models  # noqa: F401
from xinyong.measures import models as measures_models  # noqa: F401
from xinyong.records import models as records_models  # noqa: F401
from xinyong.repair import models as repair_models  # noqa: F401
from xinyong.subjects import models as subjects_models  # noqa: F401
