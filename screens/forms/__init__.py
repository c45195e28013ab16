"""Forms and dialogs the floor console pushes over the main screen.

Push them with `app.push_screen(Form(...), callback)`; `callback(result)` gets the dismiss
value below (`None` always means: cancelled with Escape, nothing was written).
`service` is a `floorconsole.store.StoreService`; `actor` an `identity.Actor`;
`seat` a `SeatRef(agent, name, seat_id)` or any (agent, name, seat_id) tuple.

| key | form | constructor | dismisses with |
|---|---|---|---|
| `p` | `PatrolForm` | `(service, actor, seat, checklist, shift_key="")` — `checklist`: `load_checklist()` / `store.checklist()` items | `PatrolNote` |
| `g` | `PraiseForm` | `(service, actor, seat)` | `Praise` |
| `i` | `InspectionForm` | `(service, actor, seat, call_id="")` — call id pre-filled if given | `Inspection` |
| `t` | `TakeoverScreen` | `(service, actor, escalation_id, clock=time.time)` | `{"escalation": Escalation, "complaint": Complaint or None}`; `None` on Escape (a claim already made stays) |
| `e` | `EscalationForm` | `(service, actor, seat=None, queue="", call_id="")` | `Escalation` |
| `h` | `LogEntryForm` | `(service, actor)` | `LogEntry` |
| `c` | `CorrectionForm` | `(service, actor, entry)` — `entry`: the `LogEntry` being corrected | `LogEntry` (kind "correction", refers_to=entry.seq) |
| `K` | `ComplaintForm` | `(service, actor, agent="", clock=...)` — a complaint without an escalation | `Complaint` |
| `D` | `ComplaintSummaryForm` | `(service, actor, config, clock=..., out_dir=..., layout=None)` | `(Path, ComplaintSummarySent)` |
| `?` | `HelpScreen` | `(bindings, title="Keys")` — pass the App's bindings, e.g. `app.BINDINGS` | `None` |

Every form: Escape cancels (nothing written), ctrl+s or Enter in a one-line field saves,
the store call runs on the store thread (awaited in a worker), problems and `StoreError`s
are shown on the form's error line and nothing typed is lost.
"""

from .base import FormScreen, SeatRef
from .complaint_form import ComplaintForm, ComplaintSummaryForm
from .correction_form import CorrectionForm
from .escalation_form import EscalationForm
from .help_screen import HelpScreen
from .inspection_form import InspectionForm
from .log_entry_form import LogEntryForm
from .patrol_form import PatrolForm
from .praise_form import PraiseForm
from .takeover_screen import TakeoverScreen

__all__ = [
    "ComplaintForm",
    "ComplaintSummaryForm",
    "CorrectionForm",
    "EscalationForm",
    "FormScreen",
    "HelpScreen",
    "InspectionForm",
    "LogEntryForm",
    "PatrolForm",
    "PraiseForm",
    "SeatRef",
    "TakeoverScreen",
]
