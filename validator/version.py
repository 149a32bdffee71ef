"""The engine's version: recorded in every result, so that results of another engine are not taken as current."""

ENGINE_VERSION = "0.2.0"
