"""The daily pipeline on the whole public ClaimReview corpus: 240,000 items in the shape of the
Google Fact Check Tools API (`claims:search`: text, claimant, claimDate, claimReview[] with
publisher, url, title, reviewDate, textualRating, languageCode), and the next day's dump (0.5%
gone, 1% new, 0.5% re-rated, shuffled). Each day runs import, validate, build and publish to a
local release store, each timed; day 2's published changes must be exactly those made, so every
unchanged claim kept its id.

    python bench/factcheck.py --items 240000 --out bench/out/factcheck
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

SEED = 20240501
BIN = Path(sys.executable).parent

# Publishers as the API names them, with rating words of their real scales, in their languages.
PUBLISHERS = [
    (
        "PolitiFact",
        "politifact.com",
        "en",
        ["False", "Pants on Fire", "Mostly False", "Half True", "Mostly True", "True"],
    ),
    ("Snopes", "snopes.com", "en", ["False", "Mixture", "Miscaptioned", "True", "Unproven", "Labeled Satire"]),
    ("FactCheck.org", "factcheck.org", "en", ["False", "Misleading", "No evidence"]),
    ("AFP Fact Check", "factcheck.afp.com", "en", ["False", "Misleading", "Missing context", "Altered"]),
    ("Reuters", "reuters.com", "en", ["False", "Misleading", "Partly false", "Missing context"]),
    ("Full Fact", "fullfact.org", "en", ["Incorrect", "Correct", "This is misleading."]),
    ("Lead Stories", "leadstories.com", "en", ["Fake", "Hoax Alert", "Satire", "No Evidence"]),
    ("USA Today", "usatoday.com", "en", ["False", "Partly false", "Altered", "Missing context"]),
    ("Chequeado", "chequeado.com", "es", ["Falso", "Engañoso", "Verdadero, pero…", "Exagerado", "Inchequeable"]),
    ("Maldita.es", "maldita.es", "es", ["Falso", "Engañoso", "Sin pruebas", "Sin contexto"]),
    ("Aos Fatos", "aosfatos.org", "pt", ["Falso", "Enganoso", "Verdadeiro", "Exagerado", "Sem contexto"]),
    ("Lupa", "lupa.uol.com.br", "pt", ["Falso", "Verdadeiro", "Exagerado", "Contraditório", "Insustentável"]),
    ("AFP Factuel", "factuel.afp.com", "fr", ["Faux", "Trompeur", "Manque de contexte", "Plutôt vrai"]),
    ("CORRECTIV", "correctiv.org", "de", ["Falsch", "Teilweise falsch", "Fehlender Kontext", "Unbelegt", "Richtig"]),
    (
        "Pagella Politica",
        "pagellapolitica.it",
        "it",
        ["Panzana pazzesca", "Pinocchio andante", "Nì", "C'eri quasi", "Vero"],
    ),
    ("Misbar", "misbar.com", "ar", ["زائف", "مضلل", "إثارة", "صحيح", "ساخر"]),
    ("Fatabyyano", "fatabyyano.net", "ar", ["زائف", "مضلل", "صحيح", "زائف جزئياً"]),
    ("BOOM", "boomlive.in", "hi", ["फर्जी", "भ्रामक", "सच"]),
    ("Tempo", "cekfakta.tempo.co", "id", ["Keliru", "Sebagian Benar", "Benar", "Menyesatkan"]),
    ("Teyit", "teyit.org", "tr", ["Yanlış", "Doğru", "Karma", "Yanıltıcı"]),
]
CLAIMANTS = [
    "Facebook posts",
    "Viral image",
    "Instagram posts",
    "X posts",
    "TikTok video",
    "WhatsApp message",
    "Joe Biden",
    "Donald Trump",
    "Narendra Modi",
    "Jair Bolsonaro",
    "Emmanuel Macron",
    "Olaf Scholz",
    "Giorgia Meloni",
    "Recep Tayyip Erdoğan",
    "منشورات على فيسبوك",
    "Multiple sources",
    "Bloggers",
    "YouTube video",
]
WORDS = {
    "en": "the government said that taxes doubled last year crime fell by half vaccine causes new study shows "
    "photo shows flood in city video of protest million people jobs created border wall deficit".split(),
    "es": "el gobierno dijo que los impuestos subieron el año pasado la foto muestra una inundación en la "
    "ciudad millones de personas".split(),
    "pt": "o governo disse que os impostos dobraram no ano passado a foto mostra enchente na cidade milhões".split(),
    "fr": "le gouvernement a dit que les impôts ont doublé l'an dernier la photo montre une inondation".split(),
    "de": "die Regierung sagte dass die Steuern sich verdoppelt haben das Foto zeigt eine Überschwemmung".split(),
    "it": "il governo ha detto che le tasse sono raddoppiate la foto mostra un'alluvione in città".split(),
    "ar": "صورة تظهر فيضانات في شوارع المدينة وزارة الصحة أعلنت مجانية اللقاح لجميع المواطنين".split(),
    "hi": "सरकार ने कहा कि पिछले साल कर दोगुना हो गया तस्वीर में शहर में बाढ़ दिख रही है".split(),
    "id": "pemerintah mengatakan bahwa pajak naik dua kali lipat foto menunjukkan banjir di kota".split(),
    "tr": "hükümet vergilerin geçen yıl iki katına çıktığını söyledi fotoğraf şehirde sel gösteriyor".split(),
}


def item(rng: random.Random, serial: int) -> dict:
    """One claim with 1 to 3 reviews, as the API returns it (1% without a claimant, 10% without a
    claim date); the serial keeps every claim's words apart."""
    publishers = rng.sample(PUBLISHERS, rng.choice((1, 1, 1, 2, 3)))
    words = WORDS[publishers[0][2]]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 40))) + f" ({serial})"
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 25)
    claim: dict = {"text": text[0].upper() + text[1:]}
    if rng.random() > 0.01:
        claim["claimant"] = rng.choice(CLAIMANTS)
    if rng.random() > 0.1:
        claim["claimDate"] = f"{year}-{month:02d}-{day:02d}T00:00:00Z"
    claim["claimReview"] = [
        {
            "publisher": {"name": name, "site": site},
            "url": f"https://{site}/fact-check/{serial}-{k}",
            "title": f"{text[:60]} ({name})",
            "reviewDate": f"{year}-{month:02d}-{day + k + 1:02d}T10:00:00Z",
            "textualRating": rng.choice(ratings),
            "languageCode": language,
        }
        for k, (name, site, language, ratings) in enumerate(publishers)
    ]
    return claim


def corpus(items: int, folder: Path) -> dict:
    """Day 1's and day 2's dumps under `folder`, and how many claims day 2 took away, added and re-rated."""
    rng = random.Random(SEED)
    day1 = [item(rng, serial) for serial in range(items)]
    order = list(range(items))
    rng.shuffle(order)
    gone, rerated = set(order[: items // 200]), set(order[items // 200 : items // 100])
    day2 = []
    for n, claim in enumerate(day1):
        if n in gone:
            continue
        if n in rerated:
            claim = copy.deepcopy(claim)
            review = claim["claimReview"][0]
            scale = next(p[3] for p in PUBLISHERS if p[0] == review["publisher"]["name"])
            review["textualRating"] = next(r for r in scale if r != review["textualRating"])
        day2.append(claim)
    new = [item(rng, items + k) for k in range(items // 100)]
    day2 += new
    rng.shuffle(day2)
    folder.mkdir(parents=True, exist_ok=True)
    for name, claims in (("day1.json", day1), ("day2.json", day2)):
        (folder / name).write_text(json.dumps({"claims": claims}, ensure_ascii=False), encoding="utf-8")
    return {"items": items, "gone": len(gone), "new": len(new), "rerated": len(rerated)}


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def pipeline(items: int, out: Path) -> dict:
    """Both days through import, validate, build and publish; the times, and whether day 2 is exact."""
    shutil.rmtree(out, ignore_errors=True)
    made = corpus(items, out / "dumps")
    desk = out / "desk"
    (desk / "claims").mkdir(parents=True)
    (desk / "claims.yaml").write_text("pretty_name: Fact-checks\nlicense: cc-by-4.0\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(desk)], check=True)  # a desk is a git repository
    claims = str(BIN / "claims")
    result: dict = {"corpus": made, "days": []}
    for day in ("day1", "day2"):
        steps = {
            "import": [claims, "import", str(out / "dumps" / f"{day}.json"), "--out", "claims/claims.jsonl", "--force"],
            "validate": [claims, "validate", "claims"],
            "build": [claims, "build", "claims", "--out", str(out / f"build-{day}")],
            "publish": [claims, "publish", "claims", "--repo", str(out / "store")],
        }
        times: dict = {}
        for step, command in steps.items():
            times[step], done = timed(command, desk)
            print(f"  {day} {step}: {times[step]:.1f} s (exit {done.returncode})", file=sys.stderr, flush=True)
            if done.returncode != 0:
                times["failed"] = f"{step}: exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
                break
        times["total"] = sum(value for value in times.values() if isinstance(value, float))
        if "validate" in times:  # the target: import within 5 times validate's time on its records
            times["import_to_validate"] = round(times["import"] / times["validate"], 2)
        result["days"].append(times)
        if "failed" in times:
            return result
    tags = subprocess.run(
        ["git", "-C", str(out / "store"), "tag", "--sort=-v:refname"], capture_output=True, text=True, check=True
    ).stdout.split()
    shown = subprocess.run(
        ["git", "-C", str(out / "store"), "show", f"{tags[0]}:changes.json"], capture_output=True, text=True, check=True
    ).stdout
    counts = json.loads(shown)["counts"]
    result["changes"] = counts
    result["exact"] = (counts["added"], counts["removed"], counts["changed"]) == (
        made["new"],
        made["gone"],
        made["rerated"],
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=240_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "factcheck")
    args = parser.parse_args()
    print(json.dumps(pipeline(args.items, args.out), indent=2))


if __name__ == "__main__":
    main()
