"""The public pages: the API documentation and the list of open-data files (each with its schema and licence)."""

from api.opendata import LICENCE, data_files


def test_open_data_page_lists_every_file_with_schema_and_licence(api_client):
    response = api_client.get("/api/donnees/")

    assert response.status_code == 200
    content = response.content.decode()
    for data_file in data_files():
        assert f'href="{data_file.url}"' in content
        assert f'href="{data_file.schema_url}"' in content
        assert data_file.licence == LICENCE
    assert "Licence Ouverte 2.0" in content
    assert len(response.content) < 50_000


def test_every_listed_file_answers(api_client):
    for data_file in data_files():
        response = api_client.get(data_file.url)
        assert response.status_code == 200, data_file.url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)


def test_documentation_page(api_client):
    response = api_client.get("/api/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "/api/v1/openapi.json" in content
    assert "figures:read" in content
    assert len(response.content) < 50_000


def test_the_short_open_data_address_leads_to_the_list(client):
    response = client.get("/donnees/")
    assert response.status_code == 302 and response["Location"] == "/api/donnees/"
    assert client.get(response["Location"]).status_code == 200
