"""Where each catalog is published, and fetching it (one clear line when the network says no).

* AWS Price List: ``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json``
* SkyPilot: ``https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/master/catalogs/v8/<cloud>/vms.csv``,
  dated by the file's newest commit from the GitHub API.
* gpuhunt: ``https://dstack-gpu-pricing.s3.eu-west-1.amazonaws.com/v3/<provider>/version`` names the
  latest version; ``.../v3/<provider>/<version>/catalog.zip`` holds ``<provider>.csv``.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile

from .catalog import CatalogError, iso_date

AWS_OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{region}/index.json"
SKYPILOT_REPO = "skypilot-org/skypilot-catalog"
SKYPILOT_VERSION = "v8"
SKYPILOT_PATH = "catalogs/{version}/{cloud}/vms.csv"
SKYPILOT_RAW = "https://raw.githubusercontent.com/{repo}/{ref}/{path}"
SKYPILOT_COMMITS = "https://api.github.com/repos/{repo}/commits?path={path}&per_page=1"
GPUHUNT_BASE = "https://dstack-gpu-pricing.s3.eu-west-1.amazonaws.com/v3"
TIMEOUT = 60


def fetch_bytes(url: str) -> bytes:
    """GET a URL; any failure becomes a one-line CatalogError that suggests ``--catalog FILE``.

    >>> try:
    ...     fetch_bytes("http://127.0.0.1:9/nothing")
    ... except CatalogError as error:
    ...     print(str(error).split(":")[0])
    cannot fetch http
    """
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
    except urllib.error.URLError as error:
        reason = str(getattr(error, "reason", error))
    except (OSError, ValueError) as error:
        reason = str(error) or type(error).__name__
    reason = " ".join(reason.split())
    raise CatalogError(f"cannot fetch {url}: {reason}. Offline? Download the catalog and pass --catalog FILE") from None


def skypilot(cloud: str) -> tuple[str, dict]:
    """The newest SkyPilot vms.csv of a cloud and its metadata (commit and commit date when GitHub answers)."""
    path = SKYPILOT_PATH.format(version=SKYPILOT_VERSION, cloud=cloud)
    meta = {"repo": SKYPILOT_REPO, "path": path, "version": SKYPILOT_VERSION, "provider": cloud}
    commits = json.loads(fetch_bytes(SKYPILOT_COMMITS.format(repo=SKYPILOT_REPO, path=path)) or b"[]")
    ref = "master"
    if commits:
        ref = meta["commit"] = commits[0]["sha"]
        meta["date"] = iso_date(commits[0]["commit"]["committer"]["date"])
    url = SKYPILOT_RAW.format(repo=SKYPILOT_REPO, ref=ref, path=path)
    meta["url"] = url
    return fetch_bytes(url).decode("utf-8"), meta


def gpuhunt(provider: str) -> tuple[str, dict]:
    """The latest gpuhunt catalog of a provider and its metadata (version, and its date when the version is one)."""
    version = fetch_bytes(f"{GPUHUNT_BASE}/{provider}/version").decode("utf-8").strip()
    url = f"{GPUHUNT_BASE}/{provider}/{version}/catalog.zip"
    try:
        with zipfile.ZipFile(io.BytesIO(fetch_bytes(url))) as archive:
            text = archive.read(f"{provider}.csv").decode("utf-8")
    except (zipfile.BadZipFile, KeyError) as error:
        raise CatalogError(f"{url}: not a gpuhunt catalog.zip with {provider}.csv ({error})") from None
    return text, {"version": version, "date": iso_date(version), "url": url, "provider": provider}


def aws_offer(region: str) -> tuple[str, dict]:
    """The current EC2 offer file of one region (several hundred MB)."""
    url = AWS_OFFER_URL.format(region=region)
    return fetch_bytes(url).decode("utf-8"), {"url": url, "provider": "aws"}
