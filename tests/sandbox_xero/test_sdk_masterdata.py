"""xero-python against the sandbox: contacts, contact groups, items, accounts, tax rates and currencies —
each call succeeds and its answer deserializes into the SDK's models (xero-facts §8)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from xero_python.accounting import (
    Account,
    Accounts,
    AccountType,
    Address,
    Contact,
    ContactGroup,
    ContactGroups,
    ContactPerson,
    Contacts,
    Currency,
    CurrencyCode,
    Item,
    Items,
    Phone,
    Purchase,
    TaxComponent,
    TaxRate,
    TaxRates,
)

from .sdk_support import Sdk, sdk_fixture, sdk_sandbox_fixture  # noqa: F401  (fixtures)


# -- contacts -----------------------------------------------------------------------------------------
def test_contact_is_created_with_addresses_phones_and_persons(sdk: Sdk) -> None:
    body = Contact(
        name="Ridgeway University",
        contact_number="RU-1",
        email_address="accounts@ridgeway.example",
        tax_number="12-345-678",
        addresses=[Address(address_type="POBOX", address_line1="PO Box 1", city="Wellington", country="NZ")],
        phones=[Phone(phone_type="DEFAULT", phone_number="555-0100")],
        contact_persons=[
            ContactPerson(first_name="Ann", last_name="Lee", email_address="ann@ridgeway.example")
        ],
    )

    created = sdk.accounting.create_contacts(sdk.tenant_id, Contacts(contacts=[body])).contacts[0]

    assert created.contact_id and created.contact_status == "ACTIVE"
    assert created.name == "Ridgeway University"
    assert created.addresses[0].city == "Wellington"
    assert created.phones[0].phone_number == "555-0100"
    assert created.contact_persons[0].email_address == "ann@ridgeway.example"
    assert isinstance(created.updated_date_utc, datetime)


def test_contact_is_read_by_id_and_by_contact_number(sdk: Sdk) -> None:
    created = sdk.contact("Marine Systems", contact_number="MS-7")

    by_id = sdk.accounting.get_contact(sdk.tenant_id, created.contact_id).contacts[0]
    by_number = sdk.accounting.get_contact_by_contact_number(sdk.tenant_id, "MS-7").contacts[0]

    assert by_id.name == by_number.name == "Marine Systems"
    assert by_number.contact_id == created.contact_id


def test_contact_is_updated_and_archived(sdk: Sdk) -> None:
    created = sdk.contact("Bayside Club")

    renamed = sdk.accounting.update_contact(
        sdk.tenant_id, created.contact_id, Contacts(contacts=[Contact(name="Bayside Club Inc")])
    ).contacts[0]
    archived = sdk.accounting.update_contact(
        sdk.tenant_id, created.contact_id, Contacts(contacts=[Contact(contact_status="ARCHIVED")])
    ).contacts[0]

    assert renamed.name == "Bayside Club Inc"
    assert archived.contact_status == "ARCHIVED"
    listed = sdk.accounting.get_contacts(sdk.tenant_id).contacts
    assert created.contact_id not in [c.contact_id for c in listed]
    with_archived = sdk.accounting.get_contacts(sdk.tenant_id, include_archived=True).contacts
    assert created.contact_id in [c.contact_id for c in with_archived]


def test_update_or_create_contacts_upserts_by_name(sdk: Sdk) -> None:
    created = sdk.contact("City Agency")

    result = sdk.accounting.update_or_create_contacts(
        sdk.tenant_id,
        Contacts(
            contacts=[Contact(name="City Agency", email_address="a@city.example"), Contact(name="New One")]
        ),
    ).contacts

    assert result[0].contact_id == created.contact_id
    assert result[0].email_address == "a@city.example"
    assert result[1].contact_id != created.contact_id


def test_a_create_repeated_with_its_idempotency_key_is_answered_once(sdk: Sdk) -> None:
    """The SDK's idempotency_key becomes the Idempotency-Key header (xero-facts §3): the retry gets the
    first answer and no second contact is made."""
    body = Contacts(contacts=[Contact(name="Once Only")])

    first = sdk.accounting.create_contacts(sdk.tenant_id, body, idempotency_key="contact-once-1").contacts[0]
    again = sdk.accounting.create_contacts(sdk.tenant_id, body, idempotency_key="contact-once-1").contacts[0]

    assert again.contact_id == first.contact_id
    assert [c.name for c in sdk.accounting.get_contacts(sdk.tenant_id).contacts] == ["Once Only"]


def test_contacts_are_filtered_with_where_and_ids(sdk: Sdk) -> None:
    first = sdk.contact("Alpha Ltd")
    second = sdk.contact("Beta Ltd")

    by_where = sdk.accounting.get_contacts(sdk.tenant_id, where='Name=="Beta Ltd"').contacts
    by_ids = sdk.accounting.get_contacts(sdk.tenant_id, i_ds=[first.contact_id, second.contact_id]).contacts

    assert [c.contact_id for c in by_where] == [second.contact_id]
    assert sorted(c.name for c in by_ids) == ["Alpha Ltd", "Beta Ltd"]


def test_contacts_are_paged_with_pagination_details(sdk: Sdk) -> None:
    for n in range(3):
        sdk.contact(f"Paged {n}")

    page = sdk.accounting.get_contacts(sdk.tenant_id, page=1, page_size=2)

    assert [c.name for c in page.contacts] == ["Paged 0", "Paged 1"]
    assert page.pagination.page_count == 2
    assert page.pagination.item_count == 3


def test_contacts_modified_since_a_datetime_are_the_later_ones(sdk: Sdk) -> None:
    sdk.contact("Before")
    sdk.sb.clock.advance(120)
    later = sdk.contact("After")
    since = datetime.fromtimestamp(sdk.sb.clock() - 60, UTC)

    changed = sdk.accounting.get_contacts(sdk.tenant_id, if_modified_since=since).contacts

    assert [c.contact_id for c in changed] == [later.contact_id]


def test_contacts_modified_since_a_naive_datetime_read_it_as_utc(sdk: Sdk) -> None:
    """The SDK sends a naive datetime with isoformat() and no zone; Xero reads it as UTC (xero-facts §5)."""
    sdk.contact("Earlier")
    sdk.sb.clock.advance(120)
    later = sdk.contact("Later")
    since = datetime.fromtimestamp(sdk.sb.clock() - 60, UTC).replace(tzinfo=None)

    changed = sdk.accounting.get_contacts(sdk.tenant_id, if_modified_since=since).contacts

    assert [c.contact_id for c in changed] == [later.contact_id]


# -- contact groups -------------------------------------------------------------------------------------
def test_contact_group_is_created_renamed_and_listed(sdk: Sdk) -> None:
    group = sdk.accounting.create_contact_group(
        sdk.tenant_id, ContactGroups(contact_groups=[ContactGroup(name="VIP")])
    ).contact_groups[0]

    renamed = sdk.accounting.update_contact_group(
        sdk.tenant_id,
        group.contact_group_id,
        ContactGroups(contact_groups=[ContactGroup(name="Key accounts")]),
    ).contact_groups[0]

    assert group.status == "ACTIVE" and group.contact_group_id
    assert renamed.name == "Key accounts"
    names = [g.name for g in sdk.accounting.get_contact_groups(sdk.tenant_id).contact_groups]
    assert names == ["Key accounts"]


def test_contacts_join_and_leave_a_contact_group(sdk: Sdk) -> None:
    first, second = sdk.contact("Member One"), sdk.contact("Member Two")
    group = sdk.accounting.create_contact_group(
        sdk.tenant_id, ContactGroups(contact_groups=[ContactGroup(name="Wholesale")])
    ).contact_groups[0]

    added = sdk.accounting.create_contact_group_contacts(
        sdk.tenant_id,
        group.contact_group_id,
        Contacts(contacts=[Contact(contact_id=first.contact_id), Contact(contact_id=second.contact_id)]),
    ).contacts
    read = sdk.accounting.get_contact_group(sdk.tenant_id, group.contact_group_id).contact_groups[0]
    sdk.accounting.delete_contact_group_contact(sdk.tenant_id, group.contact_group_id, first.contact_id)
    after_one = sdk.accounting.get_contact_group(sdk.tenant_id, group.contact_group_id).contact_groups[0]
    sdk.accounting.delete_contact_group_contacts(sdk.tenant_id, group.contact_group_id)
    after_all = sdk.accounting.get_contact_group(sdk.tenant_id, group.contact_group_id).contact_groups[0]

    assert [c.name for c in added] == ["Member One", "Member Two"]
    assert sorted(c.contact_id for c in read.contacts) == sorted([first.contact_id, second.contact_id])
    assert [c.contact_id for c in after_one.contacts] == [second.contact_id]
    assert after_all.contacts == []
    member = sdk.accounting.get_contact(sdk.tenant_id, second.contact_id).contacts[0]
    assert member.contact_groups == []


def test_a_contact_group_is_deleted_by_status(sdk: Sdk) -> None:
    group = sdk.accounting.create_contact_group(
        sdk.tenant_id, ContactGroups(contact_groups=[ContactGroup(name="Old list")])
    ).contact_groups[0]

    deleted = sdk.accounting.update_contact_group(
        sdk.tenant_id, group.contact_group_id, ContactGroups(contact_groups=[ContactGroup(status="DELETED")])
    ).contact_groups[0]

    assert deleted.status == "DELETED"
    assert sdk.accounting.get_contact_groups(sdk.tenant_id).contact_groups == []


# -- items ----------------------------------------------------------------------------------------------
def test_item_is_created_read_updated_and_deleted(sdk: Sdk) -> None:
    body = Item(
        code="WIDGET",
        name="Widget",
        description="A widget",
        sales_details=Purchase(unit_price=12.5, account_code="200", tax_type="OUTPUT2"),
        purchase_details=Purchase(unit_price=7.25, account_code="310", tax_type="INPUT2"),
    )

    created = sdk.accounting.create_items(sdk.tenant_id, Items(items=[body])).items[0]
    read = sdk.accounting.get_item(sdk.tenant_id, created.item_id).items[0]
    updated = sdk.accounting.update_item(
        sdk.tenant_id, created.item_id, Items(items=[Item(code="WIDGET", name="Widget Pro")])
    ).items[0]

    assert created.item_id and created.is_tracked_as_inventory is False
    assert read.sales_details.unit_price == Decimal("12.5")
    assert read.purchase_details.account_code == "310"
    assert updated.name == "Widget Pro"
    assert sdk.accounting.delete_item(sdk.tenant_id, created.item_id) is None
    assert sdk.accounting.get_items(sdk.tenant_id).items == []


def test_update_or_create_items_upserts_by_code(sdk: Sdk) -> None:
    sdk.accounting.create_items(sdk.tenant_id, Items(items=[Item(code="BOLT", name="Bolt")]))

    upserted = sdk.accounting.update_or_create_items(
        sdk.tenant_id, Items(items=[Item(code="BOLT", name="Bolt M8"), Item(code="NUT", name="Nut")])
    ).items

    assert [i.name for i in upserted] == ["Bolt M8", "Nut"]
    assert [i.code for i in sdk.accounting.get_items(sdk.tenant_id, order="Code").items] == ["BOLT", "NUT"]


# -- accounts -------------------------------------------------------------------------------------------
def test_accounts_are_listed_with_types_and_filtered(sdk: Sdk) -> None:
    accounts = sdk.accounting.get_accounts(sdk.tenant_id).accounts
    banks = sdk.accounting.get_accounts(sdk.tenant_id, where='Type=="BANK"').accounts

    sales = next(a for a in accounts if a.code == "200")
    assert sales.type == AccountType.REVENUE and sales.tax_type == "OUTPUT2"
    assert [a.code for a in banks] == ["090"]
    assert banks[0].bank_account_number == "0101010101"


def test_account_is_created_read_updated_and_deleted(sdk: Sdk) -> None:
    created = sdk.accounting.create_account(
        sdk.tenant_id, Account(code="201", name="Consulting", type=AccountType.REVENUE, tax_type="OUTPUT2")
    ).accounts[0]

    read = sdk.accounting.get_account(sdk.tenant_id, created.account_id).accounts[0]
    updated = sdk.accounting.update_account(
        sdk.tenant_id, created.account_id, Accounts(accounts=[Account(name="Consulting fees")])
    ).accounts[0]
    deleted = sdk.accounting.delete_account(sdk.tenant_id, created.account_id).accounts[0]

    assert (read.code, read.type, read.status) == ("201", AccountType.REVENUE, "ACTIVE")
    assert updated.name == "Consulting fees"
    assert deleted.status == "DELETED"
    codes = [a.code for a in sdk.accounting.get_accounts(sdk.tenant_id).accounts]
    assert "201" not in codes


def test_a_bank_account_is_created_with_its_number(sdk: Sdk) -> None:
    created = sdk.accounting.create_account(
        sdk.tenant_id,
        Account(code="091", name="Savings", type=AccountType.BANK, bank_account_number="0202020202"),
    ).accounts[0]

    assert created.type == AccountType.BANK
    assert created.bank_account_number == "0202020202"
    assert created.currency_code == CurrencyCode.NZD


# -- tax rates ------------------------------------------------------------------------------------------
def test_tax_rates_are_listed_and_read_by_tax_type(sdk: Sdk) -> None:
    rates = sdk.accounting.get_tax_rates(sdk.tenant_id).tax_rates
    gst = sdk.accounting.get_tax_rate_by_tax_type(sdk.tenant_id, "OUTPUT2").tax_rates[0]

    assert "OUTPUT2" in [r.tax_type for r in rates]
    assert gst.name == "15% GST on Income"
    assert gst.effective_rate == Decimal("15")
    assert gst.tax_components[0].rate == Decimal("15")


def test_tax_rate_is_created_and_updated(sdk: Sdk) -> None:
    created = sdk.accounting.create_tax_rates(
        sdk.tenant_id,
        TaxRates(
            tax_rates=[
                TaxRate(
                    name="Levy 9%",
                    report_tax_type="OUTPUT",
                    tax_components=[TaxComponent(name="Levy", rate=9, is_compound=False)],
                )
            ]
        ),
    ).tax_rates[0]

    updated = sdk.accounting.update_tax_rate(
        sdk.tenant_id,
        TaxRates(
            tax_rates=[
                TaxRate(
                    name="Levy 9%",
                    tax_type=created.tax_type,
                    tax_components=[TaxComponent(name="Levy", rate=9.5, is_compound=False)],
                )
            ]
        ),
    ).tax_rates[0]

    assert created.tax_type.startswith("TAX") and created.status == "ACTIVE"
    assert created.display_tax_rate == Decimal("9")
    assert updated.tax_type == created.tax_type
    assert updated.effective_rate == Decimal("9.5")


# -- currencies -----------------------------------------------------------------------------------------
def test_currencies_list_the_base_currency(sdk: Sdk) -> None:
    currencies = sdk.accounting.get_currencies(sdk.tenant_id).currencies

    assert [c.code for c in currencies] == [CurrencyCode.NZD]


def test_a_currency_is_added(sdk: Sdk) -> None:
    added = sdk.accounting.create_currency(
        sdk.tenant_id, Currency(code=CurrencyCode.USD, description="United States Dollar")
    ).currencies[0]

    assert added.code == CurrencyCode.USD
    codes = [c.code for c in sdk.accounting.get_currencies(sdk.tenant_id).currencies]
    assert codes == [CurrencyCode.NZD, CurrencyCode.USD]
