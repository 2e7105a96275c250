def test_whoami_anonymous(client, db):
    assert client.get("/whoami/").json() == {"user": None}


def test_whoami_logged_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="ada", password="pw"))
    assert client.get("/whoami/").json() == {"user": "ada"}
