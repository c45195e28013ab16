"""The wallboard: a read-only floor view for the big screen, served to browsers on the LAN.

`settings.py` reads `[wallboard]` from the config file and checks the bind/token rules;
`payload.py` turns a `views.FloorModel` into the JSON the page shows (queue figures and
agent counts, nothing about callers); `board.py` is the one subscriber of the engine and
the throttled broadcaster; `server.py` is the aiohttp application (page, websocket, JSON);
`static/` holds the page. `floorconsole wallboard` (commands/wallboard.py) wires them up.
See docs/wallboard.md.
"""
