import datetime

from steeringgroup import services


def published_report(slt, *, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31)):
    """A report built (by the same code the worker runs) and published."""
    report = services.steering_report_request(actor=slt, start=start, end=end)
    report = services.steering_report_build(report.pk)
    return services.steering_report_publish(actor=slt, report=report)
