"""The customer master (S2 9.1 ⑵ ⑹): imported from a table, tied to units and cases.

Fictional customers only; the expected values are read from the rows written here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.errors import NotAllowed
from engine.services import customers
from engine.services import products
from engine.store.context import EngineContext
from engine.store.models import Case
from engine.store.models import ServiceAgreement
from tests.actors import SYSTEM
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL

HEADER = (
    "code,name,class,site,address,zone,distance_km,contact,title,phone,email,"
    "agreement,agreement_kind,scope,models,starts_on,ends_on\n"
)
TABLE = (
    HEADER
    + "C001,华东示例重工有限公司,key,一号厂区,上海市示例路1号,city,30,张工,设备科长,021-1234 5678,zhang@example.com,"
    'MC-2026-01,maintenance_contract,"maintenance, repair, travel",AWP-12,2026-01-01,2026-12-31\n'
    + "C001,华东示例重工有限公司,key,二号厂区,苏州市示例路2号,suburb,110,李工,,13800000002,,,,,,,\n"
    + "C002,北方示例代理公司,agent,,,,,,,,,,,,,,\n"
)


def _import(ctx: EngineContext, text: str, name: str = "customers.csv") -> customers.ImportResult:
    return customers.import_customers(ctx, SYSTEM, name, text.encode("utf-8"))


def test_rows_of_one_code_add_up_to_one_customer_with_its_sites_contacts_and_agreement(ctx: EngineContext) -> None:
    assert _import(ctx, TABLE) == customers.ImportResult(added=2, updated=0, units_tied=0)
    found, total = customers.list_customers(ctx, SYSTEM, None, None, 1)
    assert total == 2 and [line.code for line in found] == ["C001", "C002"]
    record = customers.customer_file(ctx, SYSTEM, found[0].id).customer
    assert [(s.name, s.zone, s.distance_km) for s in record.sites] == [
        ("一号厂区", "city", 30),
        ("二号厂区", "suburb", 110),
    ]
    # Phone numbers are kept as digits, so a caller is found however the number was typed.
    assert [(c.name, c.phone, c.site.name if c.site else None) for c in record.contacts] == [
        ("张工", "02112345678", "一号厂区"),
        ("李工", "13800000002", "二号厂区"),
    ]
    (agreement,) = record.agreements
    assert (agreement.number, agreement.scope, agreement.models) == (
        "MC-2026-01",
        ["maintenance", "repair", "travel"],
        ["AWP-12"],
    )
    # Importing the same table again changes nothing but says it updated the two customers.
    assert _import(ctx, TABLE) == customers.ImportResult(added=0, updated=2, units_tied=0)
    assert len(customers.customer_file(ctx, SYSTEM, found[0].id).customer.contacts) == 2


def test_a_table_with_problems_lists_every_one_by_row_and_column_and_stores_nothing(ctx: EngineContext) -> None:
    bad = (
        HEADER
        + "C001,华东示例重工有限公司,vip,,,,,,,,,,,,,,\n"  # row 2: no such class
        + "C001,另一个名字,key,,,,,张工,,phone?,not-mail,,,,,,\n"  # row 3: name differs, phone and e-mail wrong
        + "C003,南方示例公司,ordinary,,,far,abc,,,,,MC-9,lease,cleaning,,2026-05-01,2026-04-01\n"  # row 4
        + ",,,,,,,,,,,,,,,,\n"  # an empty row is skipped
        + ",无编号公司,key,,,,,,,,,,,,,,\n"  # row 6: no code
    )
    with pytest.raises(InvalidRows) as refused:
        _import(ctx, bad)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (2, "class"),
        (3, "name"),  # and its class: both differ from row 2 of the same code
        (3, "class"),
        (3, "phone"),
        (3, "email"),
        (4, "site"),  # a zone and a distance without the site they belong to
        (4, "zone"),
        (4, "distance_km"),
        (4, "agreement_kind"),
        (4, "scope"),
        (4, "ends_on"),
        (6, "code"),
    }
    assert customers.list_customers(ctx, SYSTEM, None, None, 1) == ([], 0)


def test_a_file_that_is_not_a_table_is_refused_plainly(ctx: EngineContext) -> None:
    with pytest.raises(InvalidData):
        _import(ctx, "code,name,class\n", name="customers.txt")
    with pytest.raises(InvalidRows) as refused:
        _import(ctx, "name,class\n华东,key\n")
    assert [(p.row, p.column) for p in refused.value.problems] == [(1, "code")]


def test_archive_units_are_tied_to_the_customer_their_delivery_list_names_by_code_or_name(ctx: EngineContext) -> None:
    units = (
        "serial_number,model,category,customer\n"
        "AW2026-0101,AWP-12,own,华东示例重工有限公司\n"  # by name
        "AW2026-0102,AWP-12,agent,C002\n"  # by code
        "AW2026-0103,AWP-12,own,不在客户档案的公司\n"
    )
    products.import_units(ctx, SYSTEM, "units.csv", units.encode())
    assert _import(ctx, TABLE).units_tied == 2
    lines, _ = customers.list_customers(ctx, SYSTEM, None, None, 1)
    assert [(line.code, line.units) for line in lines] == [("C001", 1), ("C002", 1)]
    # Units delivered after the customers exist are tied as they are imported.
    products.import_units(
        ctx, SYSTEM, "more.csv", b"serial_number,model,category,customer\nAW2026-0104,AWP-12,own,C001\n"
    )
    record = customers.customer_file(ctx, SYSTEM, lines[0].id)
    assert [unit.serial_number for unit in record.units] == ["AW2026-0101", "AW2026-0104"]


def _case_tie(ctx: EngineContext, case_id: int) -> tuple[int | None, int | None]:
    with ctx.uow() as uow:
        case = uow.session.get_one(Case, case_id)
        return case.customer_id, case.site_id


def test_a_registered_call_is_tied_to_the_customer_and_the_callers_site(ctx: EngineContext, start: Any) -> None:  # noqa: F811
    _import(ctx, TABLE)
    lines, _ = customers.list_customers(ctx, SYSTEM, None, None, 1)
    east = customers.customer_file(ctx, SYSTEM, lines[0].id).customer
    # The desk typed the name as the caller said it and the caller's number: 李工 at the second site.
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "contact_phone": "138 0000 0002"})
    assert _case_tie(ctx, case.id) == (east.id, east.sites[1].id)
    assert [c.number for c in customers.customer_file(ctx, SYSTEM, east.id).cases] == [case.info.number]


def test_the_archive_tie_of_the_serial_number_comes_before_the_typed_name(ctx: EngineContext, start: Any) -> None:  # noqa: F811
    _import(ctx, TABLE)
    products.import_units(
        ctx, SYSTEM, "u.csv", b"serial_number,model,category,customer\nAW2026-0101,AWP-12,agent,C002\n"
    )
    lines, _ = customers.list_customers(ctx, SYSTEM, None, None, 1)
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "contact_phone": "021-9999 0000"})  # nobody's number
    assert _case_tie(ctx, case.id) == (lines[1].id, None)  # the agent has no sites


def test_a_call_from_an_unknown_customer_is_not_tied(ctx: EngineContext, start: Any) -> None:  # noqa: F811
    _import(ctx, TABLE)
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "customer": "新客户", "contact_phone": "021-9999 0000"})
    assert _case_tie(ctx, case.id) == (None, None)


def test_the_desk_finds_a_caller_by_phone_however_it_is_written(ctx: EngineContext) -> None:
    _import(ctx, TABLE)
    (caller,) = customers.find_callers(ctx, SYSTEM, "021 1234-5678")
    assert (caller.name, caller.contact, caller.address) == ("华东示例重工有限公司", "张工", "上海市示例路1号")
    by_name = customers.find_callers(ctx, SYSTEM, "示例")
    assert {c.code for c in by_name} == {"C001", "C002"}
    assert customers.find_callers(ctx, SYSTEM, "x") == []  # too short to search


def test_an_agreement_covers_its_days_models_and_scope_only(ctx: EngineContext) -> None:
    _import(ctx, TABLE)
    with ctx.uow() as uow:
        agreement = uow.session.scalar(select(ServiceAgreement))
        assert agreement is not None
        assert agreement.covers(date(2026, 1, 1)) and agreement.covers(date(2026, 12, 31))
        assert not agreement.covers(date(2025, 12, 31)) and not agreement.covers(date(2027, 1, 1))
        assert agreement.covers(date(2026, 6, 1), "AWP-12", "repair")
        assert not agreement.covers(date(2026, 6, 1), "AWP-16", "repair")  # another model
        assert not agreement.covers(date(2026, 6, 1), "AWP-12", "parts")  # outside its scope


def test_a_customer_typed_on_the_page_obeys_the_import_rules(ctx: EngineContext) -> None:
    with pytest.raises(InvalidData) as refused:
        customers.save_customer(ctx, SYSTEM, None, {"code": "C9", "name": "", "class": "vip"})
    assert set(refused.value.errors) == {"name", "class"}
    customer_id = customers.save_customer(
        ctx, SYSTEM, None, {"code": "C9", "name": "西部示例公司", "class": "ordinary"}
    )
    other = customers.save_customer(ctx, SYSTEM, None, {"code": "C10", "name": "东部示例公司", "class": "key"})
    with pytest.raises(InvalidData) as taken:
        customers.save_customer(ctx, SYSTEM, other, {"code": "C9", "name": "东部示例公司", "class": "key"})
    assert set(taken.value.errors) == {"code"}
    customers.add_part(ctx, SYSTEM, customer_id, {"contact": "赵工", "phone": "13900000009"})
    with pytest.raises(InvalidData) as bad_phone:
        customers.add_part(ctx, SYSTEM, customer_id, {"contact": "钱工", "phone": "call me"})
    assert set(bad_phone.value.errors) == {"phone"}
    (contact,) = customers.customer_file(ctx, SYSTEM, customer_id).customer.contacts
    customers.remove_part(ctx, SYSTEM, customer_id, "contact", contact.id)
    assert customers.customer_file(ctx, SYSTEM, customer_id).customer.contacts == []


def test_only_the_keepers_of_customer_records_change_them(ctx: EngineContext) -> None:
    engineer = Actor(7, "li", frozenset({"engineer"}))
    with pytest.raises(NotAllowed):
        customers.import_customers(ctx, engineer, "customers.csv", TABLE.encode())
    assert customers.list_customers(ctx, engineer, None, None, 1) == ([], 0)  # but reads them
