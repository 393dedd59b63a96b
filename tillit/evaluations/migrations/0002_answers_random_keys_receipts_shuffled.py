"""Answers get random keys, and the old rows are copied in a random order.

The old Answer table numbered its rows in the order they were written, which is
the order people answered. A new table with UUID keys takes every answer (in a
random order), the old one goes, and the new one takes its name. Receipts are
rewritten in a random order too, so their row order no longer follows the
responses'. Every existing answer is kept.
"""

import random
import uuid

import django.db.models.deletion
from django.db import migrations, models


def copy_answers_shuffled(apps, schema_editor):
    Old = apps.get_model("evaluations", "Answer")
    New = apps.get_model("evaluations", "ShuffledAnswer")
    rng = random.SystemRandom()
    fields = ["response_id", "question_id", "number", "choice", "text"]
    rows = list(Old.objects.values(*fields))
    rng.shuffle(rows)
    New.objects.bulk_create([New(id=uuid.uuid4(), **row) for row in rows], 1000)


def rewrite_receipts_shuffled(apps, schema_editor):
    Receipt = apps.get_model("evaluations", "Receipt")
    rows = list(Receipt.objects.values("evaluation_id", "person_id"))
    random.SystemRandom().shuffle(rows)
    Receipt.objects.all().delete()
    Receipt.objects.bulk_create(
        [Receipt(id=uuid.uuid4(), **row) for row in rows], 1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShuffledAnswer",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("number", models.SmallIntegerField(blank=True, null=True)),
                ("choice", models.CharField(blank=True, max_length=200)),
                ("text", models.TextField(blank=True)),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="evaluations.question",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="evaluations.response",
                    ),
                ),
            ],
            options={"verbose_name": "answer", "verbose_name_plural": "answers"},
        ),
        migrations.RunPython(copy_answers_shuffled, migrations.RunPython.noop),
        migrations.RunPython(rewrite_receipts_shuffled, migrations.RunPython.noop),
        migrations.DeleteModel(name="Answer"),
        migrations.RenameModel(old_name="ShuffledAnswer", new_name="Answer"),
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="evaluations.question",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="evaluations.response",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("number__isnull", True),
                    models.Q(("number__gte", 0), ("number__lte", 10)),
                    _connector="OR",
                ),
                name="answer_number_in_scale",
            ),
        ),
    ]
