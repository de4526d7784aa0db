from django.core.management import call_command

from pledges.models import Approach, Lever, Measure, Organisation, Sector


def test_it_loads_the_22_svlc_members_with_full_names(reference_data):
    assert Organisation.objects.count() == 22
    basildon = Organisation.objects.get(slug="basildon-borough-council")
    assert basildon.name == "Basildon Borough Council"
    assert basildon.short_name == "Basildon BC"
    assert basildon.sector == Sector.LOCAL_GOVERNMENT
    assert Organisation.objects.get(short_name="MSEFT").sector == Sector.NHS
    assert Organisation.objects.get(short_name="ECFRS").sector == Sector.EMERGENCY_SERVICES


def test_it_loads_the_five_levers_in_the_seed_order(reference_data):
    assert list(Lever.objects.values_list("name", flat=True)) == [
        "Workforce Developer",
        "Employer",
        "Local business and VCS incubator",
        "Procurement of Goods & Services",
        "Estates and Environment",
    ]
    workforce = Lever.objects.get(slug="workforce-developer")
    assert workforce.point_list == [
        "Create local training opportunities",
        "Support people to move between sectors",
        "Help those who have been long term unemployed re-enter the work place",
    ]
    assert workforce.description.startswith("Anchor organisations can play a key role")


def test_it_loads_three_approaches_per_lever(reference_data):
    assert Approach.objects.count() == 15
    for lever in Lever.objects.all():
        assert lever.approaches.count() == 3
    assert Approach.objects.get(name="Job Carving").lever.slug == "employer"
    assert Approach.objects.get(name="Meet the Buyers").lever.slug == "procurement-of-goods-and-services"
    assert (
        Approach.objects.get(name="Climate Challenge").description
        == "Anchor Institutions aim to be Net Zero Carbon by 2030."
    )


def test_it_loads_a_measure_catalogue_for_every_lever(reference_data):
    for lever in Lever.objects.all():
        assert lever.measures.count() >= 3, lever
    assert Measure.objects.filter(unit="£", lever__slug="procurement-of-goods-and-services").count() == 3


def test_it_changes_nothing_when_loaded_twice(reference_data):
    counts = [Model.history.count() for Model in (Organisation, Lever, Approach, Measure)]
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    assert [Model.history.count() for Model in (Organisation, Lever, Approach, Measure)] == counts
    assert Organisation.objects.count() == 22


def test_it_keeps_a_secretariat_value_per_unit_on_reload(reference_data):
    measure = Measure.objects.get(slug="staff-volunteering-hours")
    measure.social_value_per_unit = 17
    measure.save()
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    measure.refresh_from_db()
    assert measure.social_value_per_unit == 17


def test_it_restores_a_seeded_field_that_was_changed(reference_data):
    Lever.objects.filter(slug="employer").update(name="Renamed")
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    assert Lever.objects.get(slug="employer").name == "Employer"
