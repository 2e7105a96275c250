from django.conf import settings
from django.db import models
from django.db.models import Avg, Count


class Category(models.Model):
    name = models.CharField(max_length=80)
    parent = models.ForeignKey("self", null=True, blank=True, related_name="children", on_delete=models.CASCADE)

    def __str__(self):
        return self.name


class Brand(models.Model):
    name = models.CharField(max_length=80)

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def featured(self):
        return self.active().order_by("-stock").first()

    def active(self):
        return self.filter(is_active=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def with_rating(self):
        return self.annotate(rating=Avg("reviews__rating"), review_total=Count("reviews"))


class Product(models.Model):
    name = models.CharField(max_length=120)
    category = models.ForeignKey(Category, related_name="products", on_delete=models.CASCADE)
    brand = models.ForeignKey(Brand, null=True, blank=True, related_name="products", on_delete=models.SET_NULL)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    manual = models.FileField(upload_to="manuals", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    objects = ProductQuerySet.as_manager()

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/shop/{self.category.name.lower()}/{self.pk}/"

    @property
    def display_name(self):
        # Reads the brand: one query per product unless the caller used select_related("brand").
        return f"{self.brand.name} {self.name}" if self.brand_id else self.name

    def approved_review_count(self):
        return self.reviews.filter(approved=True).count()

    def similar(self):
        return Product.objects.active().filter(category_id=self.category_id).exclude(pk=self.pk)

    @property
    def average_rating(self):
        return self.reviews.aggregate(avg=Avg("rating"))["avg"]

    @property
    def low_stock(self):
        return self.stock < 5


class Review(models.Model):
    product = models.ForeignKey(Product, related_name="reviews", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="reviews", on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    approved = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.product.name} ({self.rating}/5)"


class StockMovement(models.Model):
    product = models.ForeignKey(Product, related_name="movements", on_delete=models.CASCADE)
    delta = models.IntegerField()
    reason = models.CharField(max_length=80)
    created = models.DateTimeField(auto_now_add=True)


class Wishlist(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="wishlist", on_delete=models.CASCADE)
    products = models.ManyToManyField(Product, blank=True, related_name="wishlists")
