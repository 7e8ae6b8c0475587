"""`sc-cancel watch`: the scheduled full runs of `schedule`, plus a targeted run as soon as an e-mail
names a new request.

`mail_wait` waits on each mailbox folder (IMAP IDLE, or polling where the server has no IDLE), `triggers`
queues the accounts whose mailbox saw new mail and serves them between the scheduled runs, and
`trigger_run` turns one account's new e-mails into a targeted run (`runner.run_orders`).
"""
