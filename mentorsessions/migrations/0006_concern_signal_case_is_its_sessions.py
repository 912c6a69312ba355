"""A concern signal's case is its session's: a foreign key on (session, case) to the session's (id, case).

The case page reads a case's signals along with its sessions (``mentorsessions.selectors.timeline_sessions``);
the key makes that the same rows as the signals that name the case. Deferred to the end of the transaction, as
Django's own foreign keys are.
"""

from django.db import migrations, models

SQL = """
ALTER TABLE mentorsessions_concernsignal ADD CONSTRAINT concern_case_is_its_sessions
    FOREIGN KEY (session_id, case_id) REFERENCES mentorsessions_mentorsession (id, case_id)
    DEFERRABLE INITIALLY DEFERRED;
"""

REVERSE = "ALTER TABLE mentorsessions_concernsignal DROP CONSTRAINT concern_case_is_its_sessions;"


class Migration(migrations.Migration):
    dependencies = [
        ("mentorsessions", "0005_session_case_newest_index"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="mentorsession",
            constraint=models.UniqueConstraint(fields=("id", "case"), name="session_with_its_case"),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
