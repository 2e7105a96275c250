"""## What it does
Checks for Django email sent from async code: `send_mail`, `send_mass_mail`, `mail_admins`,
`mail_managers`, `EmailMessage(...).send()` / `EmailMultiAlternatives(...).send()`, a mail
connection's `send_messages()` and `user.email_user()`.

## Why is this bad?
Django has no async email API (up to 6.1): sending talks SMTP on the event loop thread and raises
nothing. Send it from a sync function with `sync_to_async`, or (Django 6.0+) from a task with
`await task.aenqueue(...)`.

## Example
```python
from django.core.mail import send_mail


async def contact(request):
    send_mail("Contact", request.POST["message"], None, ["support@example.com"])
    return HttpResponse("sent")
```

## Use instead
```python
from asgiref.sync import sync_to_async
from django.core.mail import send_mail


async def contact(request):
    await sync_to_async(send_mail)("Contact", request.POST["message"], None, ["support@example.com"])
    return HttpResponse("sent")
```

## Fix safety
Unsafe: `send_mail(...)` becomes `await sync_to_async(send_mail)(...)` (`message.send()`
`await sync_to_async(message.send)()`), with `from asgiref.sync import sync_to_async` added
when the module lacks it. Unsafe because the mail is still sent during the request, in a worker
thread: the response waits for the mail server, where a task (Django 6.0+) would not make it
wait. No fix in a generator expression or a sync helper.
"""

import ast

from verify.analysis import blocking
from verify.analysis.finding import Severity
from verify.analysis.registry import Rule

rule = Rule("DJA306", "blocking-email", __doc__, severity=Severity.WARNING)


# The visitor every DJA3xx rule shares: the engine runs it once per call for all of them.
rule.visits(ast.Call)(blocking.report)
