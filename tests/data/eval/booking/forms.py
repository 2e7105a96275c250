from django import forms


class BookingRequestForm(forms.Form):
    room_id = forms.IntegerField()
    start = forms.DateTimeField()
    end = forms.DateTimeField()
    notes = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError("End must be after start.")
        return data
