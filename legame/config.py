"""Reads config.yaml (currency, margin, targets, profiles) and the local secret."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from legame.errors import ConfigError
from legame.i18n import _

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Config:
    """The parsed config.yaml plus the folder relative paths are resolved against."""

    data: dict[str, Any]
    root: Path = ROOT
    _secret: str | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # The secret, read when first needed, never travels in a pickle (a cache's copy, a shared object's check):
        # a copy reads it again from where it lives.
        return {**self.__dict__, "_secret": None}

    def get(self, *keys: str, default: Any = ConfigError) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                if default is ConfigError:
                    raise ConfigError(_("config.yaml has no setting {name}.", name=".".join(keys)))
                return default
            node = node[key]
        return node

    @property
    def currency(self) -> str:
        return self.get("currency")

    @property
    def margin_rate(self) -> float:
        return float(self.get("margin_rate"))

    def path(self, *keys: str) -> Path:
        return self.root / self.get(*keys)

    @property
    def secret(self) -> str:
        """Server secret for salting email hashes: LEGAME_SECRET, else a local file never in git."""
        if self._secret is None:
            self._secret = os.environ.get("LEGAME_SECRET") or _local_secret(self.path("warehouse", "secret_file"))
        return self._secret


def _local_secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(path: Path | None = None) -> Config:
    """Load config.yaml (LEGAME_CONFIG overrides the path)."""
    path = Path(path or os.environ.get("LEGAME_CONFIG") or ROOT / "config.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("No configuration file at {path}.", path=path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_("{path} is not valid YAML: {error}", path=path, error=exc)) from None
    return Config(data=data, root=path.resolve().parent)
