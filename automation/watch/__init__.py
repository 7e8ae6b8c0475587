"""`sc-cancel watch`: the scheduled full runs of `schedule`, plus a targeted run as soon as an e-mail
names a new request.

`mail_wait` waits on each mailbox folder (IMAP IDLE, or polling where the server has no IDLE) and wakes
the account, whose e-mail run the scheduler then starts in its pool beside the scheduled runs
(`Scheduler.run_soon`); `trigger_run` turns one account's new e-mails into a targeted run
(`runner.run_orders`).
"""
