"""The reports a shift lead owes upwards (issue 13; DOMAIN.md, the shift lead's duties).

Each report is a data build, then renderers, like the shift report (`floorconsole/report.py`):

- `coverage`: quality inspections per agent this month against the 1–5 target, who has none
  yet, weekly and monthly summaries per agent and per dimension;
- `monthly`: the monthly service-quality analysis report from the duty log, due to the
  department head by the 22nd (patrol findings by item, praise, complaints and escalations,
  SL and abandon by week, attendance flags), and whether it has been marked as sent;
- `worklog`: the day-shift lead's daily and weekly work report (system problems, difficult
  cases, workload, the busy/idle picture per queue by hour);
- `periods` (month, ISO week, day windows in the floor's zone), `feed` (one fold of the feed
  with hourly tallies per queue, summed over any range), `document` (a report as titled
  tables) and `render` (md, csv, html, xlsx, text).
"""
