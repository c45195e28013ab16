"""The Asterisk Manager Interface (AMI): live call state and supervisor actions.

Three parts, none of which imports Textual:

- `settings.py`: the `[ami]` table of the config (host, port, user, secret file, TLS,
  per-person phones) as `AmiSettings`.
- `tracker.py`: `AmiTracker`, a pure fold of AMI events into live state (channels,
  bridges, queue members, callers waiting, agents ringing/connected, transfers). No I/O;
  time is passed in.
- `gateway.py`: `AmiGateway`, the one connection (panoramisk underneath) with reconnect
  and backoff, the tracker fed from it, and the supervisor actions (listen, whisper,
  barge, take over, pause, remove, hang up) as typed coroutines returning `ActionResult`.

Everything works without AMI: a gateway built without settings is `DISABLED` and every
action answers `UNAVAILABLE` with the reason. See docs/asterisk.md.
"""
