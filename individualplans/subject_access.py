"""What an access request holds from the individual plans (registered in ``IndividualplansConfig.ready()``)."""

from django.utils.translation import gettext as _

from audit.subject_access import record_of, value_text
from individualplans.models import CoordinatorPeriod, IndividualPlan, PlanEvaluation, PlanGoal, PlanMeasure


def plans(case, title):
    """Each plan of the case with its coordinators, goals, measures and evaluations, field by field."""
    records = []
    for plan in IndividualPlan.objects.filter(case=case).order_by("created_at"):
        plan_title = _("%(case)s: individual plan of %(date)s") % {"case": title, "date": value_text(plan.created_at)}
        records.append(record_of(plan, plan_title))
        for period in CoordinatorPeriod.objects.filter(plan=plan).select_related("coordinator").order_by("period"):
            records.append(record_of(period, f"{plan_title}: {_('coordinator')}"))
        for goal in PlanGoal.objects.filter(plan=plan).order_by("pk"):
            records.append(record_of(goal, f"{plan_title}: {goal.get_life_area_display()}"))
        for measure in PlanMeasure.objects.filter(plan=plan).order_by("pk"):
            records.append(record_of(measure, f"{plan_title}: {_('measure')}"))
        for evaluation in PlanEvaluation.objects.filter(plan=plan).order_by("evaluated_at"):
            records.append(record_of(evaluation, f"{plan_title}: {_('evaluation')}"))
    return records
