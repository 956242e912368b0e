from tests.factories import create_world


def test_world_and_home(client, login_as):
    world = create_world()
    response = login_as(world.users["hr_officer"]).get("/")
    assert response.status_code == 200
    assert "本校" in response.get_data(as_text=True)
