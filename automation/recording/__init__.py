"""Recordings: capture a session's network and trace, scrub secrets and buyer data, replay offline.

`scrub` and `trace_zip` are pure (no Playwright): they work on HAR documents and zip files. `capture`
holds the browser side of recording, `record` drives `sc-cancel record`, `promote` turns a capture into
a committed recording (`recordings/<page_key>/<name>/`), and `replay` reads one back for
`sc-cancel scan --replay` and `sc-cancel selectors check --replay`.
"""
