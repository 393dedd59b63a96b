import io
import zipfile

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from tillit.core.models import (
    ManagerialLevel,
    Organisation,
    Person,
    RoleCategory,
    Sector,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exempelkommun {n}")
    kind = Organisation.Kind.MUNICIPALITY
    sector = Sector.MUNICIPAL
    country = Organisation.Country.SWEDEN
    time_zone = factory.LazyAttribute(
        lambda o: "Europe/Helsinki" if o.country == "FI" else "Europe/Stockholm"
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    title = "Enhetschef"
    role_category = RoleCategory.UNIT_MANAGER
    managerial_level = ManagerialLevel.MIDDLE
    organisation = factory.SubFactory(OrganisationFactory)
    preferred_language = "en"
    password = factory.django.Password("demo-password-1")

    @factory.post_generation
    def confirmed_address(self, create, extracted, **kwargs):
        """People with a password have a confirmed address (allauth's record),
        as the demo's and existing people do; pass confirmed_address=False
        for someone who has yet to confirm."""
        if create and extracted is not False and self.has_usable_password():
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )


class OrganiserFactory(PersonFactory):
    """A person on the staff of the organisation that runs programmes."""

    @factory.post_generation
    def organiser_of(self, create, organisation, **kwargs):
        if create and organisation is not None:
            organisation.staff.add(self)


# Files ----------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01"
    b"\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office_bytes(main_part="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="svar.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")
