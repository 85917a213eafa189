"""The settings of the lake the real ingest writes from the bundled simulator for the dbt tests.

The bundled simulator and the dlt ingest build a lake the way production does: a history load,
then a second load three months later that re-fetches a week and adds the new days. In between,
40020 reverse-splits (2025-07-30) and 147A0 lists (2025-06-25); 40010's 1→2 split (2025-03-27)
is inside the history; the window holds the 15:30 close from 2024-11-05 and HolDiv "3" days.
"""

import datetime as dt

SIMULATOR_SEED = 42
SIMULATOR_CODES = 12
SIMULATOR_START = dt.date(2024, 9, 2)
SIMULATOR_FIRST_END = dt.date(2025, 5, 30)
SIMULATOR_SECOND_END = dt.date(2025, 8, 29)
SIMULATOR_KEY = "dbt-tests-simulator-key"
