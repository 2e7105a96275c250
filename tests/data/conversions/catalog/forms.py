from django import forms

from catalog.models import Category, Product, Review, StockMovement


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "category", "brand", "price", "stock"]


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["rating", "body"]


class QuickReviewForm(forms.Form):
    """A review posted from a listing page: the product is a choice."""

    product = forms.ModelChoiceField(queryset=Product.objects.active())
    rating = forms.IntegerField(min_value=1, max_value=5)


class MoveProductsForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all())


class ManualUploadForm(forms.Form):
    manual = forms.FileField()


StockMovementFormSet = forms.inlineformset_factory(Product, StockMovement, fields=["delta", "reason"], extra=1)
