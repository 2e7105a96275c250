"""Shared helpers for the verifier core tests: a small shop's models and a ``check`` fixture."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from verify.api import check_source

MODELS = '''
from django.conf import settings
from django.db import models


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Category(models.Model):
    name = models.CharField(max_length=100)


class Product(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField()
    is_published = models.BooleanField(default=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")
    tags = models.ManyToManyField("Tag")
    objects = ProductQuerySet.as_manager()


class Tag(models.Model):
    name = models.CharField(max_length=30)


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    rating = models.IntegerField()


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    stripe_id = models.CharField(max_length=50)


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    shipping_address = models.ForeignKey("shop.Address", null=True, on_delete=models.SET_NULL)
    total = models.DecimalField(max_digits=10, decimal_places=2)


class Address(models.Model):
    city = models.CharField(max_length=50)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)


class Payment(models.Model):
    order = models.OneToOneField(Order, on_delete=models.CASCADE)
'''

HEADER = '''
import asyncio
from asgiref.sync import sync_to_async
from django.http import JsonResponse, HttpResponse, HttpResponseForbidden
from django.shortcuts import render, redirect, get_object_or_404, aget_object_or_404
from django.template.response import TemplateResponse
from shop.models import Category, Product, Review, Profile, Order, OrderItem, Payment, Tag
'''


# The core's rule families; the snippets here are too small for DJA4xx's informational advice.
CORE = ["DJA1", "DJA2"]


def run_check(code: str, version=(6, 1), select=None, header: bool = True):
    source = (HEADER if header else "") + textwrap.dedent(code)
    return check_source(source, "shop/views.py", target_version=version, select=select or CORE, models_source=MODELS)


@pytest.fixture
def check():
    """check(code, version=(6, 1), select=None) -> sorted list of rule codes found."""

    def _codes(code: str, version=(6, 1), select=None, header: bool = True) -> list[str]:
        return [finding.code for finding in run_check(code, version, select, header)]

    return _codes


@pytest.fixture
def findings():
    return run_check


@pytest.fixture
def cli():
    """Run ``python -m verify`` (the command line, in a fresh process) in a folder."""

    def _run(*args: str, cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        return subprocess.run([python, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True, env=env)

    return _run
