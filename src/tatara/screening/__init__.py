"""Screening: restricted-party and sanctions lists loaded from their official files into dated
list versions (see docs/areas/screening.md)."""
