from django import forms

from teams.models import Profile, Team


class InviteForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    email = forms.EmailField()

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(owner=owner)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["bio", "timezone"]


class SignInForm(forms.Form):
    username = forms.CharField()
    password = forms.CharField()
