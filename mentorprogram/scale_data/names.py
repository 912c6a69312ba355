"""The generator's sizes and the invented names it combines."""

import dataclasses

PREFIX = "skala-"  # every generated username starts so
FIRST_NAMES = [
    "Emma", "Nora", "Sara", "Ingrid", "Maja", "Aisha", "Amina", "Hanna", "Leah", "Zahra", "Jonas", "Lukas",
    "Mohammed", "Ahmed", "Omar", "Filip", "Oskar", "Elias", "Yusuf", "Ali", "Kasper", "Sander", "Mathias",
    "Jakub", "Oliwia", "Hamza", "Ibrahim", "Fatima", "Mariam", "Noah", "Isak", "Adam", "Ella", "Selma",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
    "Berg", "Haugen", "Hagen", "Ali", "Ahmed", "Hassan", "Mohamed", "Khan", "Nowak", "Kowalski", "Bakken",
    "Solberg", "Moen", "Lie", "Dahl", "Halvorsen", "Iversen", "Strand", "Abdi", "Yilmaz",
]  # fmt: skip
DISTRICTS = ["Sentrum", "Nord", "Sør", "Øst", "Vest"]
LANGUAGES = ["norsk", "somali", "arabisk", "polsk", "tigrinja", "dari", "engelsk", "kurdisk", "urdu", "bosnisk"]
INTERESTS = ["fotball", "gaming", "musikk", "trening", "friluftsliv", "film", "matlaging", "kampsport", "data"]
LIFE_AREAS = ["work", "education", "economy", "housing", "health", "network", "leisure", "identity"]
SERVICES = ["nav", "school", "child_welfare", "health_station", "mentor"]


@dataclasses.dataclass(frozen=True)
class Sizes:
    participants: int = 50_000  # each with one case
    referrals: int = 60_000
    mentors: int = 2_000
    sessions: int = 500_000
    plans: int = 20_000
    trail: int = 5_000_000
    cases_per_coordinator: int = 200

    def scaled(self, factor: float) -> "Sizes":
        fields = {f.name: max(1, int(getattr(self, f.name) * factor)) for f in dataclasses.fields(self)}
        fields["cases_per_coordinator"] = self.cases_per_coordinator
        fields["plans"] = min(fields["plans"], fields["participants"])
        return Sizes(**fields)
