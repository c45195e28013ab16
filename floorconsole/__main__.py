from floorconsole.cli import main

raise SystemExit(main())
