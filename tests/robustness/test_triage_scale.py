"""`triage` grows linearly with the views of a file (issue 22: 22 s for 5,000 views, from work
done once per view over the whole file)."""

import time
from pathlib import Path

from verify.triage import triage

VIEWS = '''
async def view_{n}(request):
    orders = Order.objects.filter(pk={n})
    return HttpResponse(str(list(orders)))


class Page{n}(View):
    def get(self, request):
        return HttpResponse(Order.objects.count())
'''


def _cpu_seconds(folder: Path, views: int) -> float:
    path = folder / f"views_{views}.py"
    path.write_text("from django.http import HttpResponse\nfrom django.views import View\nfrom shop.models import Order\n"
                    + "".join(VIEWS.format(n=n) for n in range(views)))
    start = time.process_time()
    assessments = triage([path])
    elapsed = time.process_time() - start
    assert len(assessments) == 2 * views
    return elapsed


def test_ten_times_the_views_take_about_ten_times_as_long(tmp_path):
    """CPU time, not wall time: other processes on the machine do not count. Quadratic work
    made 3,000 views about 21 times slower than 300; linear is about 10."""
    _cpu_seconds(tmp_path, 10)  # imports and rule tables: once, outside the measurement
    small = _cpu_seconds(tmp_path, 300)
    large = _cpu_seconds(tmp_path, 3000)
    assert large < 15 * small, (small, large)
