from django import template

from catalog.models import Category

register = template.Library()


@register.simple_tag
def category_menu():
    return ", ".join(category.name for category in Category.objects.filter(parent=None))
