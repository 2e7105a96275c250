"""The project's templates, served by the locmem loader."""

TEMPLATES_BY_NAME = {
    "base.html": "{% block content %}{% endblock %}",
    "catalog/product_list.html": "{% for product in products %}{{ product.name }};{% endfor %}",
    "catalog/product_detail.html": "{{ product.name }} in {{ product.category.name }}",
    "catalog/product_card.html": "{{ product.name }}",
    "catalog/category.html": "{{ category.name }}: {{ count }}",
    "catalog/page.html": "{% for product in page_obj %}{{ product.name }};{% endfor %}",
    "catalog/form.html": "{{ form.as_p }}",
    "catalog/formset.html": "{{ formset.management_form }}{% for form in formset %}{{ form.as_p }}{% endfor %}",
    "catalog/summary.html": "{{ title }}: {{ value }}",
    "catalog/with_menu.html": "{% load catalog_tags %}{% category_menu %} | {{ product.name }}",
    "catalog/reviews.html": "{% for review in reviews %}{{ review.rating }};{% endfor %}",
    "catalog/wishlist.html": "{% for product in products %}{{ product.name }};{% endfor %}",
    "catalog/page_obj.html": "{% for product in page.object_list %}{{ product.name }};{% endfor %}",
    "teams/team_detail.html": "{{ team.name }} owned by {{ team.owner.username }}",
    "teams/team_list.html": "{% for team in teams %}{{ team.name }};{% endfor %}",
    "teams/dashboard.html": "{{ unread }} unread, {{ teams|length }} teams",
    "teams/form.html": "{{ form.as_p }}",
    "teams/profile.html": "{{ profile.bio }}",
}
