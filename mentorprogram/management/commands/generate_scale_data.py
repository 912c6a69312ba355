"""Fill a fresh development or benchmark database with a national deployment's worth of fictional data.

    manage.py generate_scale_data                   # the defaults: 50,000 cases, 5,000,000 trail rows, ...
    manage.py generate_scale_data --scale 0.1       # a tenth of each
    manage.py generate_scale_data --sessions 1000000

Refuses without DEBUG, and on a database that holds participants, referrals or cases, or where someone has
logged in. See ``mentorprogram.scale_data``.
"""

import dataclasses
import json

from django.core.management.base import BaseCommand, CommandError

from mentorprogram.scale_data import Refused, Sizes, generate


class Command(BaseCommand):
    help = "Fill a fresh database with a national deployment's worth of fictional data, for measuring."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="a factor on every default size")
        for field in dataclasses.fields(Sizes):
            parser.add_argument(f"--{field.name.replace('_', '-')}", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="print the counts and timings as JSON")

    def handle(self, *args, scale, **options):
        as_json = options.pop("json")
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        sizes = Sizes().scaled(scale) if scale != 1.0 else Sizes()
        chosen = {f.name: options[f.name] for f in dataclasses.fields(Sizes) if options.get(f.name) is not None}
        if any(value < 1 for value in chosen.values()):
            raise CommandError("Every size must be at least 1.")
        sizes = dataclasses.replace(sizes, **chosen)
        say = (lambda text: None) if as_json else (lambda text: self.stdout.write(text))
        say(f"Generating {sizes}")
        try:
            result = generate(sizes, say=say)
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        if as_json:
            self.stdout.write(json.dumps(result))
        else:
            for table, count in result["counts"].items():
                self.stdout.write(f"{table}: {count:,}")
