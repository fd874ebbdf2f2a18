"""A deterministic demo shop: organisation, staff, catalog, members and sales history.

:func:`build_demo` writes a complete workstation database (workstation R1 of
branch B01) that one can open and log in to, and that tests and benchmarks
can rely on: the same arguments give the same table contents, byte for byte.

The schema always comes from the Alembic migrations (``open_database``); the
rows are then bulk-loaded with the plain ``sqlite3`` module, because the ORM
would take many minutes for a million products. Rows are written in exactly
the forms SQLAlchemy's column types use on SQLite (UUIDs as 32 hex digits,
naive-UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` times, booleans as 0/1, enums as
their values, JSON as text), so the ORM reads them back as usual.

Money is integer minor units (TWD has no decimals). For each order line
``line_total = line_gross_minor(qty_milli, unit_price) - discount`` (the
rounding matters for weighed goods only), the tax contained in an inclusive
price is ``tax_in_gross_bp(line_total, rate_bp)`` (the shop's one half-up rule,
``domain.money``), and an order's subtotal, discount, tax and total are the sums
over its lines.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sqlite3
import threading
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

from shop_desktop.data.db import open_database
from shop_desktop.data.models import (
    MemberLevel,
    OrderKind,
    OrderStatus,
    PaymentMethod,
    Role,
    StockReason,
)
from shop_desktop.domain.barcodes import gtin_check_digit
from shop_desktop.domain.money import MILLI, half_up, line_gross_minor, tax_in_gross_bp
from shop_desktop.services.passwords import hash_password_with_salt
from shop_desktop.services.tasks import TaskState

__all__ = [
    "DEMO_USERS",
    "DemoSummary",
    "DemoUser",
    "build_demo",
]

# --- public API ---------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    """A staff account of the demo shop; the password is shown on the login screen."""

    username: str
    password: str
    display_name: str
    role: Role
    max_discount_bp: int
    #: ``None`` means the user may work at every branch.
    branch_code: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("cashier", "cashier", "陳小明", Role.CASHIER, 0, "B01"),
    DemoUser("cashier2", "cashier2", "林美玲", Role.CASHIER, 0, "B02"),
    DemoUser("supervisor", "supervisor", "黃志偉", Role.SUPERVISOR, 1000, "B01"),
    DemoUser("manager", "manager", "張淑芬", Role.MANAGER, 3000, None),
    DemoUser("admin", "admin", "王大同", Role.ADMIN, 10000, None),
)

#: More cashiers so each branch has shifts to fill; password = username.
EXTRA_CASHIERS: tuple[DemoUser, ...] = (
    DemoUser("b01.cashier1", "b01.cashier1", "吳雅婷", Role.CASHIER, 0, "B01"),
    DemoUser("b01.cashier2", "b01.cashier2", "劉家豪", Role.CASHIER, 0, "B01"),
    DemoUser("b02.cashier1", "b02.cashier1", "蔡佳穎", Role.CASHIER, 0, "B02"),
    DemoUser("b02.cashier2", "b02.cashier2", "楊承翰", Role.CASHIER, 0, "B02"),
    DemoUser("b03.cashier1", "b03.cashier1", "許淑惠", Role.CASHIER, 0, "B03"),
    DemoUser("b03.cashier2", "b03.cashier2", "鄭冠宇", Role.CASHIER, 0, "B03"),
    DemoUser("b03.cashier3", "b03.cashier3", "謝宜蓁", Role.CASHIER, 0, "B03"),
)


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    products: int
    members: int
    orders: int
    seconds: float


# --- the shop's reference data ----------------------------------------------

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")
CURRENCY = "TWD"
BATCH = 50_000
#: Business day (local time) and how busy each hour of it is.
OPEN_HOUR = 9
HOUR_WEIGHTS = (3, 4, 6, 10, 9, 5, 4, 5, 6, 9, 10, 8, 4)  # 09:00 .. 21:59
#: Monday .. Sunday.
WEEKDAY_FACTOR = (0.9, 0.88, 0.94, 1.0, 1.15, 1.35, 1.3)
MAX_ORDERS_PER_BRANCH_DAY = 300
#: Flattens the head of the popularity curve (see _Sales).
ZIPF_OFFSET = 10.0


class _BranchSpec(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    address: str
    phone: str
    #: Relative business; also the share of members who call it home.
    weight: float


BRANCHES = (
    _BranchSpec(
        "B01", "台北信義店", "Taipei Xinyi", "台北市信義區松仁路100號", "02-2720-1000", 1.0
    ),
    _BranchSpec(
        "B02", "台中公益店", "Taichung Gongyi", "台中市南屯區公益路二段51號", "04-2320-1000", 0.85
    ),
    _BranchSpec(
        "B03", "高雄巨蛋店", "Kaohsiung Arena", "高雄市左營區博愛二路777號", "07-550-1000", 0.75
    ),
)
THIS_BRANCH = "B01"
THIS_WORKSTATION = "R1"
WORKSTATIONS = (("R1", "1號收銀機", 0.6), ("R2", "2號收銀機", 0.4))

TAX_CLASSES = (
    ("TX5", "應稅 5%", "Taxable 5%", 500),
    ("TX0", "免稅", "Tax-free", 0),
    ("ZR", "零稅率", "Zero-rated", 0),
)


class _Sub(NamedTuple):
    """A sub-category and how its products look.

    ``variants`` is ``zh:en|...``; ``sizes`` is ``zh~en|...`` (``~en`` only
    when the English differs); ``leaves`` is ``zh:en|...``, a leaf may add
    ``:sizes`` with ``/`` between them when the sub's sizes do not fit it.
    Sizes go from small to large: prices rise with them.
    """

    zh: str
    en: str
    lo: int
    hi: int
    variants: str
    sizes: str
    leaves: str
    brands: str = ""
    weighed: bool = False
    tax: str = "TX5"
    spec: str = ""


class _Dept(NamedTuple):
    zh: str
    en: str
    #: Share of the catalog.
    share: float
    spec: str
    origins: str
    tail: str
    brands: str
    subs: tuple[_Sub, ...]


FOOD_BRANDS = (
    "統一:Uni-President|義美:I-Mei|味全:Wei Chuan|桂格:Quaker|維力:Wei Lih|愛之味:Agv|"
    "味丹:Vedan|金蘭:Kimlan|萬家香:Wan Ja Shan|龜甲萬:Kikkoman|亨氏:Heinz|康寶:Knorr|"
    "桂冠:Laurel|大成:DaChan|卜蜂:CP|台糖:Taisugar|日清:Nissin|農心:Nongshim|雀巢:Nestlé|"
    "三好米:Sanhao Rice|中興米:Chung Hsing Rice|奇美食品:Chimei Foods|新東陽:Hsin Tung Yang|"
    "牛頭牌:Bull Head|海底撈:Haidilao|李錦記:Lee Kum Kee|好侍:House Foods"
)
DRINK_BRANDS = (
    "統一:Uni-President|黑松:Hey Song|泰山:Taisun|光泉:Kuang Chuan|愛之味:Agv|金車:King Car|"
    "可口可樂:Coca-Cola|百事:Pepsi|御茶園:Yu Cha Yuan|原萃:Yuan Cui|立頓:Lipton|"
    "維他露:Vitalon|悅氏:Yes|味丹:Vedan|舒味思:Schweppes|寶礦力:Pocari Sweat|"
    "伊藤園:Ito En|波蜜:Bomy|古道:Gu Dao|茶裏王:Cha Li Wang"
)
SNACK_BRANDS = (
    "乖乖:Kuai Kuai|旺旺:Want Want|聯華食品:Lian Hwa Foods|樂事:Lay's|品客:Pringles|"
    "卡迪那:Cadina|掬水軒:Chu Shui Hsuan|宏亞:Hong Ya|健達:Kinder|金莎:Ferrero Rocher|"
    "德芙:Dove Chocolate|好時:Hershey's|明治:Meiji|森永:Morinaga|固力果:Glico|樂天:Lotte|"
    "義美:I-Mei|華元:Hwa Yuan|可樂果:Koloko|盛香珍:Sheng Hsiang Jen|中祥:Chung Hsiang|"
    "味覺百撰:Taste Select|萬歲牌:Wan Sui"
)
FRESH_BRANDS = (
    "台灣好農:Taiwan Good Farm|梨山果園:Lishan Orchard|屏東鮮果:Pingtung Fresh Fruit|"
    "宜蘭小農:Yilan Growers|雲林菜園:Yunlin Garden|台畜:T-Ham|超秦:Chyau Chin|"
    "東港漁會:Donggang Fishermen|台江漁人:Taijiang Fishermen|澎湖海味:Penghu Seafood|"
    "大成:DaChan|卜蜂:CP|義美:I-Mei|中華豆腐:Chunghwa Tofu|大漢:Da Han"
)
HOUSEHOLD_BRANDS = (
    "舒潔:Kleenex|五月花:May Flower|春風:Chun Feng|花王:Kao|獅王:Lion|白蘭:Bailan|"
    "橘子工坊:Orange House|毛寶:Mao Bao|妙管家:Magic Amah|3M:3M|高露潔:Colgate|"
    "好來:Darlie|舒酸定:Sensodyne|潘婷:Pantene|海倫仙度絲:Head & Shoulders|多芬:Dove|"
    "麗仕:Lux|沙威隆:Savlon|楓康:Fongkang|克林:Klin|寶僑:P&G|天然主義:Naturalism|"
    "好神拖:Hao Shen Tuo|樹德:Shuter|聯府:KEYWAY"
)
PET_BRANDS = "寶路:Pedigree|皇家:Royal Canin|希爾思:Hill's|偉嘉:Whiskas|喜躍:Nutrience"
BEAUTY_BRANDS = (
    "資生堂:Shiseido|肌研:Hada Labo|妮維雅:Nivea|露得清:Neutrogena|曼秀雷敦:Mentholatum|"
    "蜜妮:Biore|理膚寶水:La Roche-Posay|薇姿:Vichy|雅漾:Avène|巴黎萊雅:L'Oréal Paris|"
    "媚比琳:Maybelline|蘭蔻:Lancôme|倩碧:Clinique|我的美麗日記:My Beauty Diary|"
    "森田藥粧:Dr. Morita|台塑生醫:Formosa Biomedical|靠得住:Kotex|蘇菲:Sofy|好自在:Whisper|"
    "吉列:Gillette|舒適:Schick|博士倫:Bausch + Lomb|凱婷:Kate|植村秀:Shu Uemura|花王:Kao"
)
APPLIANCE_BRANDS = (
    "大同:Tatung|聲寶:Sampo|東元:TECO|國際牌:Panasonic|象印:Zojirushi|虎牌:Tiger|"
    "飛利浦:Philips|歌林:Kolin|尚朋堂:SPT|禾聯:Heran|日立:Hitachi|三洋:Sanyo|夏普:Sharp|"
    "戴森:Dyson|小米:Xiaomi|奇美:Chimei|鍋寶:Cookpower|北方:Northern|百靈:Braun|"
    "歐樂B:Oral-B"
)
ELECTRONICS_BRANDS = (
    "金士頓:Kingston|威剛:ADATA|創見:Transcend|勁量:Energizer|金頂:Duracell|羅技:Logitech|"
    "安克:Anker|索尼:Sony|鐵三角:Audio-Technica|小米:Xiaomi|國際牌:Panasonic|"
    "聖岡:Sanko|亞果元素:Adam Elements|飛利浦:Philips"
)
STATIONERY_BRANDS = (
    "百樂:Pilot|三菱鉛筆:Uni|斑馬:Zebra|飛龍:Pentel|雄獅:Simbalion|利百代:Liberty|"
    "施德樓:Staedtler|輝柏:Faber-Castell|國譽:Kokuyo|3M:3M|徠福:LIFE|卡西歐:Casio|"
    "美克司:Max|白金:Platinum|自強:Tzu Chiang|巨匠:Master Art|華碩文具:Hwa Shuo"
)
BABY_BRANDS = (
    "幫寶適:Pampers|好奇:Huggies|滿意寶寶:MamyPoko|妙而舒:Merries|亞培:Abbott|"
    "美強生:Mead Johnson|惠氏:Wyeth|雀巢:Nestlé|貝親:Pigeon|小獅王辛巴:Simba|"
    "嬌生:Johnson's|桂格:Quaker|優生:U-Sheng|六甲村:Mother's Choice|舒潔:Kleenex"
)

CATALOG: tuple[_Dept, ...] = (
    _Dept(
        "食品",
        "Food",
        0.17,
        "重量",
        "台灣|台灣|台灣|台灣|日本|美國|泰國|韓國|義大利",
        "請置於陰涼乾燥處，開封後請儘速食用。",
        FOOD_BRANDS,
        (
            _Sub(
                "乳製品",
                "Dairy",
                35,
                399,
                "原味:Original|全脂:Whole|低脂:Low-Fat|無糖:Unsweetened|高鈣:High-Calcium|"
                "草莓:Strawberry|巧克力:Chocolate|蜂蜜:Honey",
                "200ml|290ml|400ml|936ml|1857ml",
                "鮮奶:Fresh Milk|優格:Yogurt:100g/400g/800g|優酪乳:Drinking Yogurt|"
                "調味乳:Flavoured Milk|起司片:Cheese Slices:200g/400g/1kg|奶油:Butter:200g/454g",
                brands="光泉:Kuang Chuan|味全:Wei Chuan|林鳳營:Lin Feng Ying|瑞穗:Ruisui|"
                "統一:Uni-President|義美:I-Mei|初鹿:Chulu|養樂多:Yakult|安佳:Anchor|"
                "福樂:Fulu|四方:Four Seasons Dairy|卡夫:Kraft",
                spec="容量",
            ),
            _Sub(
                "米糧",
                "Rice & Grains",
                79,
                599,
                "特級:Premium|有機:Organic|履歷:Traceable|精選:Select|家庭號:Family Pack",
                "1kg|1.5kg|2kg|3kg|5kg",
                "白米:White Rice|糙米:Brown Rice|五穀米:Multigrain Rice|糯米:Glutinous Rice|"
                "燕麥:Rolled Oats",
            ),
            _Sub(
                "麵食",
                "Noodles",
                19,
                299,
                "紅燒牛肉:Braised Beef|麻油雞:Sesame Oil Chicken|炸醬:Soybean Paste|"
                "香辣:Spicy|海鮮:Seafood|原味:Original|蔥油:Scallion Oil",
                "85g|200g|300g|500g|5入~5-pack",
                "泡麵:Instant Noodles|乾麵:Dried Noodles|義大利麵:Spaghetti|米粉:Rice Vermicelli|"
                "冬粉:Glass Noodles",
            ),
            _Sub(
                "調味料",
                "Condiments",
                29,
                499,
                "純釀:Naturally Brewed|薄鹽:Low-Sodium|特級:Premium|有機:Organic|經典:Classic",
                "300ml|500ml|1L|1.5L|2L",
                "醬油:Soy Sauce|食用油:Cooking Oil|鹽:Salt:300g/500g/1kg|糖:Sugar:500g/1kg/2kg|"
                "醋:Vinegar|沙茶醬:Shacha Sauce:127g/250g/737g",
                spec="容量",
            ),
            _Sub(
                "罐頭",
                "Canned Food",
                25,
                249,
                "原味:Original|油漬:In Oil|水煮:In Water|辣味:Spicy|減鈉:Reduced Sodium",
                "150g|170g|340g|3入~3-pack",
                "鮪魚罐頭:Canned Tuna|肉醬罐頭:Canned Pork Sauce|玉米粒罐頭:Canned Corn|"
                "水果罐頭:Canned Fruit|花瓜:Pickled Cucumber",
            ),
            _Sub(
                "冷凍食品",
                "Frozen Food",
                49,
                449,
                "高麗菜豬肉:Cabbage & Pork|韭菜:Chive|玉米:Corn|香草:Vanilla|巧克力:Chocolate|"
                "起司:Cheese|芝麻:Sesame",
                "300g|500g|1kg|25入~25 pcs|50入~50 pcs",
                "水餃:Dumplings|鍋貼:Potstickers|冰淇淋:Ice Cream:100ml/473ml/1.5L|"
                "冷凍披薩:Frozen Pizza|湯圓:Tangyuan|炸雞塊:Chicken Nuggets",
            ),
        ),
    ),
    _Dept(
        "飲料",
        "Drinks",
        0.14,
        "容量",
        "台灣|台灣|台灣|台灣|日本|美國|法國|蘇格蘭",
        "開封後請冷藏並儘速飲用。",
        DRINK_BRANDS,
        (
            _Sub(
                "茶飲",
                "Tea",
                19,
                169,
                "無糖:Unsweetened|微糖:Lightly Sweetened|茉莉:Jasmine|蜜香:Honey Scented|"
                "檸檬:Lemon|日式:Japanese Style",
                "300ml|500ml|600ml|975ml|1250ml|600ml×4~600ml x4",
                "綠茶:Green Tea|紅茶:Black Tea|烏龍茶:Oolong Tea|奶茶:Milk Tea|麥茶:Barley Tea",
            ),
            _Sub(
                "咖啡",
                "Coffee",
                25,
                899,
                "黑咖啡:Black|拿鐵:Latte|曼特寧:Mandheling|耶加雪菲:Yirgacheffe|深焙:Dark Roast|"
                "中焙:Medium Roast|三合一:3-in-1",
                "240ml|350ml|10入~10 pcs|227g|30入~30 pcs|454g",
                "即飲咖啡:Ready-to-Drink Coffee:240ml/350ml/500ml|"
                "咖啡豆:Coffee Beans:227g/454g/1kg|即溶咖啡:Instant Coffee|"
                "濾掛咖啡:Drip Bag Coffee:10入~10 pcs/30入~30 pcs",
                brands="伯朗:Mr. Brown|雀巢:Nestlé|UCC:UCC|麥斯威爾:Maxwell House|金車:King Car|"
                "統一:Uni-President|路易莎:Louisa Coffee|cama:cama café|西雅圖:Barista Coffee|"
                "貝納頌:Bernachon|韓國麥心:Maxim|歐維氏:Olvis",
            ),
            _Sub(
                "果汁",
                "Juice",
                25,
                199,
                "100%:100%|鮮榨:Freshly Squeezed|無加糖:No Sugar Added|低糖:Low Sugar",
                "250ml|450ml|946ml|2L",
                "柳橙汁:Orange Juice|蘋果汁:Apple Juice|綜合果汁:Mixed Fruit Juice|"
                "蔬果汁:Vegetable Juice|芭樂汁:Guava Juice",
            ),
            _Sub(
                "碳酸飲料",
                "Soft Drinks",
                19,
                549,
                "原味:Original|零卡:Zero|檸檬:Lemon|葡萄:Grape|蜜桃:Peach",
                "330ml|600ml|1.25L|2L|330ml×6~330ml x6|330ml×24~330ml x24",
                "可樂:Cola|汽水:Soda|沙士:Sarsaparilla|氣泡水:Sparkling Water|"
                "運動飲料:Sports Drink",
            ),
            _Sub(
                "水",
                "Water",
                10,
                399,
                "天然:Natural|經典:Classic|電解質:Electrolyte",
                "330ml|600ml|1500ml|600ml×24~600ml x24",
                "礦泉水:Mineral Water|包裝水:Drinking Water|鹼性水:Alkaline Water|"
                "海洋深層水:Deep Ocean Water",
            ),
            _Sub(
                "酒類",
                "Alcohol",
                39,
                3999,
                "經典:Classic|金牌:Gold Medal|生啤:Draft|麥芽:Malt|12年:12 Year|水果:Fruit",
                "330ml|500ml|330ml×6~330ml x6|600ml|700ml|750ml",
                "啤酒:Beer|紅酒:Red Wine:750ml/1.5L|白酒:White Wine:750ml/1.5L|威士忌:Whisky:700ml|"
                "調酒:Cocktail|高粱酒:Kaoliang:300ml/600ml/750ml",
                brands="台灣啤酒:Taiwan Beer|海尼根:Heineken|麒麟:Kirin|朝日:Asahi|三得利:Suntory|"
                "噶瑪蘭:Kavalan|麥卡倫:Macallan|約翰走路:Johnnie Walker|金門高粱:Kinmen Kaoliang|"
                "玉山:Yushan|百威:Budweiser|可樂娜:Corona",
            ),
        ),
    ),
    _Dept(
        "零食",
        "Snacks",
        0.12,
        "重量",
        "台灣|台灣|台灣|日本|韓國|美國|馬來西亞|泰國",
        "開封後請儘速食用完畢。",
        SNACK_BRANDS,
        (
            _Sub(
                "洋芋片",
                "Chips",
                19,
                129,
                "原味:Original|海鹽:Sea Salt|烤肉:BBQ|雞汁:Chicken|起司:Cheese|辣味:Spicy|"
                "芥末:Wasabi",
                "34g|60g|95g|150g|家庭號~Family Size",
                "洋芋片:Potato Chips|玉米脆片:Corn Chips|蝦餅:Prawn Crackers|海苔:Seaweed Snack",
            ),
            _Sub(
                "餅乾",
                "Biscuits",
                25,
                299,
                "原味:Original|巧克力:Chocolate|草莓:Strawberry|花生:Peanut|檸檬:Lemon|牛奶:Milk",
                "100g|200g|12入~12 pcs|300g",
                "蘇打餅乾:Soda Crackers|夾心餅乾:Sandwich Cookies|蛋捲:Egg Rolls|威化餅:Wafers|"
                "奶油曲奇:Butter Cookies",
            ),
            _Sub(
                "糖果",
                "Candy",
                19,
                159,
                "水果:Fruit|薄荷:Mint|葡萄:Grape|檸檬:Lemon|綜合:Assorted",
                "40g|80g|150g|300g",
                "軟糖:Gummies|硬糖:Hard Candy|口香糖:Chewing Gum|喉糖:Throat Drops|"
                "牛奶糖:Milk Caramels",
            ),
            _Sub(
                "巧克力",
                "Chocolate",
                29,
                499,
                "經典:Classic|72%:72%|杏仁:Almond|榛果:Hazelnut|抹茶:Matcha",
                "40g|100g|16入~16 pcs|200g",
                "牛奶巧克力:Milk Chocolate|黑巧克力:Dark Chocolate|巧克力棒:Chocolate Bar|"
                "巧克力球:Chocolate Balls",
            ),
            _Sub(
                "堅果果乾",
                "Nuts & Dried Fruit",
                59,
                699,
                "原味:Natural|烘焙:Roasted|無調味:Unseasoned|蜂蜜:Honey|海鹽:Sea Salt",
                "100g|200g|500g|1kg",
                "綜合堅果:Mixed Nuts|杏仁果:Almonds|腰果:Cashews|芒果乾:Dried Mango|"
                "蔓越莓乾:Dried Cranberries",
            ),
        ),
    ),
    _Dept(
        "生鮮",
        "Fresh",
        0.05,
        "重量",
        "雲林|彰化|屏東|宜蘭|台南|嘉義|南投|花蓮",
        "每日新鮮到貨，請冷藏保存。",
        FRESH_BRANDS,
        (
            _Sub(
                "蔬菜",
                "Vegetables",
                39,
                199,
                "有機:Organic|產銷履歷:Traceable|精選:Select|高山:Highland",
                "",
                "高麗菜:Cabbage|青江菜:Bok Choy|地瓜葉:Sweet Potato Leaves|番茄:Tomatoes|"
                "洋蔥:Onions|紅蘿蔔:Carrots",
                weighed=True,
                tax="TX0",
            ),
            _Sub(
                "水果",
                "Fruit",
                49,
                399,
                "精選:Select|特級:Premium|有機:Organic|當季:Seasonal",
                "",
                "香蕉:Bananas|蘋果:Apples|芭樂:Guavas|鳳梨:Pineapples|芒果:Mangoes",
                weighed=True,
                tax="TX0",
            ),
            _Sub(
                "肉品",
                "Meat",
                149,
                1299,
                "台灣:Taiwanese|冷藏:Chilled|去骨:Boneless|特選:Choice",
                "",
                "豬五花:Pork Belly|梅花肉:Pork Shoulder|雞胸肉:Chicken Breast|雞腿:Chicken Thighs|"
                "牛小排:Beef Short Ribs",
                weighed=True,
                tax="TX0",
            ),
            _Sub(
                "海鮮",
                "Seafood",
                99,
                899,
                "冷凍:Frozen|去刺:Boneless|鮮凍:Flash-Frozen|特大:Jumbo",
                "300g|500g|1kg",
                "白蝦:White Shrimp|鮭魚:Salmon Fillet|虱目魚:Milkfish|蛤蜊:Clams",
                tax="TX0",
            ),
            _Sub(
                "蛋豆製品",
                "Eggs & Tofu",
                25,
                199,
                "非基改:Non-GMO|有機:Organic|傳統:Traditional|嫩:Silken",
                "300g|450g|10入~10 pcs|15入~15 pcs",
                "雞蛋:Eggs:10入~10 pcs/15入~15 pcs/20入~20 pcs|豆腐:Tofu|豆漿:Soy Milk:450ml/900ml|"
                "豆干:Dried Tofu",
            ),
        ),
    ),
    _Dept(
        "日用品",
        "Household",
        0.14,
        "規格",
        "台灣|台灣|台灣|日本|中國|泰國|印尼",
        "使用前請詳閱標示說明。",
        HOUSEHOLD_BRANDS,
        (
            _Sub(
                "紙品",
                "Paper Products",
                39,
                599,
                "柔韌:Soft|厚磅:Extra Thick|無香:Unscented|經典:Classic",
                "80抽~80 sheets|6捲~6 rolls|100抽×10包~100 sheets x10|12捲~12 rolls|"
                "110抽×24包~110 sheets x24",
                "抽取式衛生紙:Facial Tissue|廚房紙巾:Kitchen Towels|濕紙巾:Wet Wipes|"
                "捲筒衛生紙:Toilet Rolls",
            ),
            _Sub(
                "清潔用品",
                "Cleaning",
                49,
                499,
                "抗菌:Antibacterial|薰衣草:Lavender|檸檬:Lemon|天然:Natural|濃縮:Concentrated",
                "補充包~Refill|500ml|1000ml|2000ml|3.5kg",
                "洗衣精:Laundry Detergent|洗碗精:Dish Soap|地板清潔劑:Floor Cleaner|漂白水:Bleach|"
                "柔軟精:Fabric Softener",
            ),
            _Sub(
                "廚房用品",
                "Kitchen Supplies",
                29,
                249,
                "大:Large|中:Medium|小:Small|加厚:Heavy Duty|環保:Eco",
                "3入~3 pcs|10入~10 pcs|30cm|45cm|50入~50 pcs",
                "保鮮膜:Cling Wrap|鋁箔紙:Aluminium Foil|垃圾袋:Garbage Bags|菜瓜布:Scouring Pads|"
                "夾鏈袋:Zip Bags",
            ),
            _Sub(
                "衛浴用品",
                "Bath & Oral Care",
                39,
                399,
                "清涼:Cool Mint|敏感:Sensitive|去屑:Anti-Dandruff|保濕:Moisturizing|"
                "美白:Whitening|炭:Charcoal",
                "1入~1 pc|120g|4入~4 pcs|400ml|750ml|1000ml",
                "牙刷:Toothbrush:1入~1 pc/4入~4 pcs|牙膏:Toothpaste:120g/160g/3入~3-pack|"
                "洗髮精:Shampoo|沐浴乳:Body Wash|潤髮乳:Conditioner",
            ),
            _Sub(
                "居家收納",
                "Home Storage",
                39,
                899,
                "白:White|透明:Clear|灰:Grey|北歐:Nordic",
                "10入~10 pcs|小~Small|中~Medium|大~Large",
                "收納箱:Storage Box|衣架:Hangers|掛勾:Hooks|置物架:Shelf",
            ),
            _Sub(
                "寵物用品",
                "Pet Supplies",
                49,
                1599,
                "成犬:Adult|幼貓:Kitten|雞肉:Chicken|鮭魚:Salmon|低敏:Hypoallergenic",
                "400g|1.5kg|3kg|7kg",
                "狗飼料:Dog Food|貓飼料:Cat Food|貓砂:Cat Litter:5L/10L|寵物零食:Pet Treats",
                brands=PET_BRANDS,
            ),
        ),
    ),
    _Dept(
        "美妝保養",
        "Beauty",
        0.12,
        "容量",
        "台灣|日本|日本|韓國|法國|美國|德國",
        "使用前請先於耳後測試，如有不適請停止使用。",
        BEAUTY_BRANDS,
        (
            _Sub(
                "臉部保養",
                "Skin Care",
                99,
                2990,
                "保濕:Hydrating|美白:Brightening|抗老:Anti-Aging|控油:Oil Control|"
                "玻尿酸:Hyaluronic",
                "5片~5 sheets|30ml|10片~10 sheets|100ml|150ml|200ml",
                "化妝水:Toner|乳液:Lotion|精華液:Serum|面膜:Sheet Mask:5片~5 sheets/10片~10 sheets|"
                "洗面乳:Facial Cleanser",
            ),
            _Sub(
                "彩妝",
                "Make-Up",
                199,
                1990,
                "霧面:Matte|持久:Long-Lasting|防水:Waterproof|自然:Natural|玫瑰:Rose",
                "3.5g|8ml|30ml",
                "口紅:Lipstick|粉底液:Liquid Foundation|眼線筆:Eyeliner|睫毛膏:Mascara|腮紅:Blush",
            ),
            _Sub(
                "身體保養",
                "Body Care",
                59,
                899,
                "保濕:Moisturizing|清爽:Light|SPF50:SPF50|無香:Unscented|乳木果:Shea Butter",
                "4g|50ml|200ml|400ml",
                "身體乳:Body Lotion|護手霜:Hand Cream|防曬乳:Sunscreen|護唇膏:Lip Balm",
            ),
            _Sub(
                "美髮",
                "Hair Care",
                129,
                899,
                "自然黑:Natural Black|栗棕:Chestnut Brown|強力:Strong Hold|修護:Repair",
                "80g|100ml|150g|200ml",
                "染髮劑:Hair Dye|髮蠟:Hair Wax|護髮油:Hair Oil|髮膜:Hair Mask",
            ),
            _Sub(
                "個人衛生",
                "Personal Hygiene",
                39,
                499,
                "日用:Day|夜用:Night|超薄:Ultra-Thin|敏感肌:Sensitive|醫用:Medical",
                "10入~10 pcs|16入~16 pcs|50入~50 pcs|200入~200 pcs|360ml",
                "衛生棉:Sanitary Pads|刮鬍刀:Razor|棉花棒:Cotton Swabs|"
                "隱形眼鏡藥水:Contact Lens Solution|口罩:Face Masks",
            ),
        ),
    ),
    _Dept(
        "家電",
        "Appliances",
        0.08,
        "規格",
        "台灣|台灣|中國|日本|越南|泰國|馬來西亞",
        "保固一年，請保留購買憑證。",
        APPLIANCE_BRANDS,
        (
            _Sub(
                "廚房家電",
                "Kitchen Appliances",
                590,
                3999,
                "不鏽鋼:Stainless|智慧:Smart|大容量:Large Capacity|經典:Classic|"
                "多功能:Multi-Function",
                "1.2L|1.7L|4L|6人份~6-cup|10人份~10-cup|20L",
                "電鍋:Rice Cooker:6人份~6-cup/10人份~10-cup|快煮壺:Electric Kettle:1.2L/1.7L|"
                "微波爐:Microwave:20L/25L|氣炸鍋:Air Fryer:4L/6L|果汁機:Blender:1L/1.5L",
            ),
            _Sub(
                "生活家電",
                "Home Appliances",
                790,
                3999,
                "直流:DC|靜音:Quiet|無線:Cordless|節能:Energy-Saving|遙控:Remote",
                "小~Small|中~Medium|大~Large",
                "電風扇:Electric Fan:14吋~14 in/16吋~16 in|除濕機:Dehumidifier:6L/12L|"
                "吸塵器:Vacuum Cleaner|空氣清淨機:Air Purifier|電暖器:Heater",
            ),
            _Sub(
                "個人家電",
                "Personal Appliances",
                390,
                3990,
                "負離子:Ionic|輕巧:Compact|充電式:Rechargeable|智慧:Smart",
                "1入~1 pc|1200W|1600W",
                "吹風機:Hair Dryer:1200W/1600W|電動牙刷:Electric Toothbrush|"
                "電動刮鬍刀:Electric Shaver|體重計:Bathroom Scale",
            ),
            _Sub(
                "3C配件",
                "Electronics Accessories",
                49,
                2990,
                "USB-C:USB-C|Lightning:Lightning|快充:Fast Charge|無線:Wireless|黑:Black|白:White",
                "4入~4 pcs|1m|2m|64GB|10000mAh|128GB|20000mAh",
                "行動電源:Power Bank:10000mAh/20000mAh|充電線:Charging Cable:1m/2m|"
                "藍牙耳機:Bluetooth Earbuds:1入~1 pc|記憶卡:Memory Card:64GB/128GB/256GB|"
                "電池:Batteries:4入~4 pcs/8入~8 pcs",
                brands=ELECTRONICS_BRANDS,
            ),
            _Sub(
                "燈具",
                "Lighting",
                49,
                1990,
                "白光:Daylight|黃光:Warm White|可調光:Dimmable|護眼:Eye-Care",
                "10W|13W|16W|3入~3 pcs",
                "LED燈泡:LED Bulb|檯燈:Desk Lamp:1入~1 pc|手電筒:Flashlight:1入~1 pc|"
                "小夜燈:Night Light:1入~1 pc/3入~3 pcs",
            ),
        ),
    ),
    _Dept(
        "文具",
        "Stationery",
        0.10,
        "規格",
        "台灣|台灣|日本|日本|德國|中國",
        "適合學生與辦公室使用。",
        STATIONERY_BRANDS,
        (
            _Sub(
                "書寫用品",
                "Writing",
                19,
                299,
                "黑:Black|藍:Blue|紅:Red|0.5mm:0.5mm|0.38mm:0.38mm|綜合:Assorted",
                "1支~1 pc|3支~3 pcs|10支~10 pcs|12支~12 pcs",
                "原子筆:Ballpoint Pen|鉛筆:Pencil|螢光筆:Highlighter|修正帶:Correction Tape|"
                "中性筆:Gel Pen",
            ),
            _Sub(
                "紙品",
                "Paper & Notebooks",
                19,
                399,
                "A4:A4|A5:A5|B5:B5|方格:Grid|橫線:Lined|空白:Blank",
                "1本~1 pc|5本~5 pcs|10入~10 pcs|500張~500 sheets",
                "筆記本:Notebook|便利貼:Sticky Notes|影印紙:Copy Paper:500張~500 sheets|"
                "資料夾:File Folder|信封:Envelopes",
            ),
            _Sub(
                "辦公用品",
                "Office Supplies",
                19,
                899,
                "標準:Standard|省力:Easy-Grip|透明:Clear|彩色:Colour",
                "1入~1 pc|3入~3 pcs|100入~100 pcs",
                "釘書機:Stapler|剪刀:Scissors|膠帶:Tape|計算機:Calculator:1入~1 pc|"
                "迴紋針:Paper Clips",
            ),
            _Sub(
                "美術用品",
                "Art Supplies",
                29,
                999,
                "12色:12 Colours|24色:24 Colours|36色:36 Colours|水溶性:Water-Soluble|"
                "專家級:Artist Grade",
                "1盒~1 box|2盒~2 boxes|1組~1 set",
                "色鉛筆:Coloured Pencils|水彩:Watercolours|畫紙:Drawing Paper|蠟筆:Crayons|"
                "黏土:Modelling Clay",
            ),
        ),
    ),
    _Dept(
        "嬰幼兒",
        "Baby",
        0.08,
        "規格",
        "台灣|日本|美國|紐西蘭|荷蘭|德國",
        "請依寶寶月齡選擇適合的商品。",
        BABY_BRANDS,
        (
            _Sub(
                "尿布",
                "Diapers",
                199,
                1299,
                "NB:NB|S:S|M:M|L:L|XL:XL",
                "52片~52 pcs|64片~64 pcs|80抽×3包~80 sheets x3|4包~4 packs",
                "紙尿褲:Diapers|拉拉褲:Pull-Ups|嬰兒濕巾:Baby Wipes:80抽×3包~80 sheets x3",
            ),
            _Sub(
                "奶粉",
                "Formula",
                399,
                2490,
                "1號:Stage 1|2號:Stage 2|3號:Stage 3|水解:Hydrolysed",
                "400g|800g|900g|1.6kg",
                "嬰兒奶粉:Infant Formula|成長奶粉:Growing-Up Milk|兒童奶粉:Kids Milk Powder",
            ),
            _Sub(
                "副食品",
                "Baby Food",
                49,
                299,
                "原味:Original|蘋果:Apple|南瓜:Pumpkin|香蕉:Banana|有機:Organic",
                "100g|200g|4入~4 pcs",
                "米精:Rice Cereal|果泥:Fruit Puree|寶寶粥:Baby Congee|磨牙餅:Teething Biscuits",
            ),
            _Sub(
                "嬰兒用品",
                "Baby Care",
                99,
                899,
                "寬口:Wide-Neck|矽膠:Silicone|PPSU:PPSU|溫和:Gentle|純棉:Cotton",
                "150ml|240ml|300ml|2入~2 pcs",
                "奶瓶:Baby Bottle|奶嘴:Pacifier:2入~2 pcs|嬰兒沐浴乳:Baby Wash|"
                "口水巾:Bibs:2入~2 pcs/5入~5 pcs",
            ),
        ),
    ),
)

#: Made-up brands fill the catalog out: first + second syllable.
BRAND_FIRST = (
    "好:Hao|鮮:Hsien|樂:Le|美:Mei|新:Hsin|優:Yu|康:Kang|金:Chin|福:Fu|禾:Ho|"
    "森:Sen|晨:Chen|安:An|悅:Yueh|綠:Lu|喜:Hsi|明:Ming|豐:Feng|泰:Tai|和:Ho"
)
BRAND_SECOND = "家:chia|田:tien|園:yuan|坊:fang|堂:tang|品:pin|屋:wu|選:hsuan|味:wei|心:hsin"
TOTAL_BRANDS = 240

SURNAMES = (
    "陳:Chen:111|林:Lin:83|黃:Huang:60|張:Chang:53|李:Li:51|王:Wang:41|吳:Wu:40|劉:Liu:32|"
    "蔡:Tsai:29|楊:Yang:27|許:Hsu:23|鄭:Cheng:19|謝:Hsieh:18|郭:Kuo:17|洪:Hung:16|"
    "曾:Tseng:14|邱:Chiu:14|廖:Liao:13|賴:Lai:13|周:Chou:11|徐:Hsu:11|蘇:Su:10|葉:Yeh:10|"
    "莊:Chuang:9|呂:Lu:9|江:Chiang:8|何:Ho:8|蕭:Hsiao:7|羅:Lo:7|高:Kao:7"
)
GIVEN_F = (
    "淑:Shu|美:Mei|雅:Ya|婷:Ting|怡:Yi|君:Chun|惠:Hui|玲:Ling|芳:Fang|欣:Hsin|佳:Chia|"
    "慧:Hui|如:Ju|筱:Hsiao|萱:Hsuan|宜:Yi|珮:Pei|瑜:Yu|穎:Ying|蓁:Chen"
)
GIVEN_M = (
    "志:Chih|明:Ming|建:Chien|宏:Hung|俊:Chun|傑:Chieh|家:Chia|豪:Hao|冠:Kuan|宇:Yu|"
    "文:Wen|偉:Wei|承:Cheng|翰:Han|彥:Yen|廷:Ting|柏:Po|凱:Kai|育:Yu|誠:Cheng"
)
EMAIL_DOMAINS = ("example.com", "example.com.tw", "example.net", "mail.example.tw")
#: regular, silver, gold, vip: share of members and their points range.
MEMBER_LEVELS = (
    (MemberLevel.REGULAR, 0.75, 0, 800),
    (MemberLevel.SILVER, 0.15, 200, 3000),
    (MemberLevel.GOLD, 0.08, 1000, 12000),
    (MemberLevel.VIP, 0.02, 5000, 60000),
)

PROMOTIONS = (
    ("WEEKEND10", "週末九折", "Weekend 10% off"),
    ("CLEAR10", "即期品九折", "Clearance 10% off"),
    ("MEMBER10", "會員九折", "Members 10% off"),
)
#: Lines per order: 1 is most common, 8 is rare.
LINE_COUNT_WEIGHTS = (30, 22, 16, 11, 8, 6, 4, 3)
#: Pieces per line.
QTY_TABLE = (1,) * 14 + (2,) * 4 + (3, 6)
#: cash, card, alipay, wechat, card + cash.
PAYMENT_WEIGHTS = (0.60, 0.24, 0.05, 0.04, 0.07)


# --- helpers ------------------------------------------------------------------

_UUID_CLEAR = ((1 << 128) - 1) & ~((0xC000 << 48) | (0xF000 << 64))
_UUID_SET = (0x8000 << 48) | (4 << 76)


def _uuid_hex(bits: int) -> str:
    """``uuid.UUID(int=bits, version=4).hex`` without building the object."""
    return f"{bits & _UUID_CLEAR | _UUID_SET:032x}"


def _ts(moment: datetime) -> str:
    """An aware time as SQLAlchemy's DateTime stores it on SQLite (naive UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _pairs(text: str, sep: str = ":") -> list[tuple[str, str]]:
    if not text:
        return []
    out = []
    for item in text.split("|"):
        zh, _, en = item.partition(sep)
        out.append((zh, en or zh))
    return out


def _sizes(text: str, sep: str = "|") -> list[tuple[str, str]]:
    return _pairs("|".join(text.split(sep)), "~") if text else []


def _tax_id(rnd: Callable[[], float]) -> str:
    """A Taiwan business number (統一編號) that passes the checksum."""
    weights = (1, 2, 1, 2, 1, 2, 4, 1)
    while True:
        digits = [int(rnd() * 10) for _ in range(8)]
        if digits[6] == 7:  # the special case is valid too, but needs its own rule
            continue
        total = sum(p // 10 + p % 10 for p in (d * w for d, w in zip(digits, weights, strict=True)))
        if total % 10 == 0:
            return "".join(map(str, digits))


def _charm_prices(
    lo: int, hi: int, *, floor: int, ceiling: int, rnd: Callable[[], float], count: int = 24
) -> list[int]:
    """Shelf prices drawn log-uniform from [lo, hi], mostly ending in 9, 5 or 0,
    kept within [floor, ceiling]."""
    prices = []
    ratio = hi / lo
    for _ in range(count):
        p = int(lo * ratio ** rnd())
        if p < 1000:
            p = p - p % 10 + (9, 9, 9, 5, 0, 0)[int(rnd() * 6)]
        else:
            p = p - p % 100 + (99, 99, 90, 50, 0)[int(rnd() * 5)]
        prices.append(min(max(p, floor), ceiling))
    return prices


_DIGIT_WEIGHTS_13 = (1, 3) * 6


def _weighted_sums(width: int, first_weight_index: int) -> list[int]:
    """Digit-weighted sums of every ``width``-digit number at a place in an EAN-13."""
    weights = _DIGIT_WEIGHTS_13[first_weight_index : first_weight_index + width]
    sums = [0]
    for w in reversed(weights):
        # Extending by a more significant digit d adds d*w to every sum so far.
        sums = [d * w + s for d in range(10) for s in sums]
    return sums


# --- the builder --------------------------------------------------------------


PRODUCT_SQL = (
    "INSERT INTO products (id, sku, name_zh, name_en, category_id, brand_id, tax_class_id,"
    " price_minor, member_price_minor, unit, weighed, description, specs, active, created_at,"
    " updated_at, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
BARCODE_SQL = "INSERT INTO product_barcodes (code, product_id, kind) VALUES (?,?,?)"
ORDER_SQL = (
    "INSERT INTO orders (id, number, branch_id, workstation_id, staff_id, member_id, kind,"
    " status, currency_code, subtotal_minor, discount_minor, tax_minor, delivery_fee_minor,"
    " rounding_minor, total_minor, invoice_no, buyer_tax_id, note, created_at, completed_at,"
    " device_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,0,?,?,?,'',?,?,?)"
)
LINE_SQL = (
    "INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name_zh, name_en,"
    " qty_milli, unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor,"
    " promotions, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'')"
)
PAYMENT_SQL = (
    "INSERT INTO payments (id, order_id, method, amount_minor, tendered_minor, change_minor,"
    " reference, card_last4, created_at) VALUES (?,?,?,?,?,?,?,?,?)"
)
MOVEMENT_SQL = (
    "INSERT INTO stock_movements (id, branch_id, product_id, qty_delta_milli, reason, order_id,"
    " staff_id, note, created_at, synced) VALUES (?,?,?,?,?,?,?,'',?,1)"
)


@dataclass(slots=True)
class _Leaf:
    id: str
    zh: str
    en: str
    tax_id: str
    rate_bp: int
    weighed: bool
    unit: str
    brands: list[int]
    variants: list[tuple[str, str]]
    #: " 936ml" or "" for weighed goods: what follows the variant in a name.
    size_suffix: list[tuple[str, str]]
    #: The part of the description after the brand, leaf and variant.
    desc_rest: list[str]
    prices: list[list[int]]
    #: JSON text per size and origin.
    specs: list[list[str]]


class _Phases:
    """Maps (phase, done, total) to one overall fraction, and checks for cancel."""

    def __init__(self, state: TaskState | None, weights: Sequence[tuple[str, float]]) -> None:
        self._state = state
        whole = sum(w for _, w in weights) or 1.0
        self._spans: dict[str, tuple[float, float]] = {}
        start = 0.0
        for name, weight in weights:
            self._spans[name] = (start, weight / whole)
            start += weight / whole

    def report(self, phase: str, done: float, total: float, status: str) -> None:
        if self._state is None:
            return
        start, width = self._spans[phase]
        self._state.set_progress(start + width * (done / total if total else 1.0), status)
        self._state.check_cancelled()


_HASH_CACHE: dict[tuple[str, bytes], str] = {}
_HASH_LOCK = threading.Lock()


def _demo_hash(password: str, salt: bytes) -> str:
    # argon2 is slow by design (~0.1 s); tests build several identical shops
    # in one process, and a deterministic hash may as well be remembered.
    key = (password, salt)
    with _HASH_LOCK:
        cached = _HASH_CACHE.get(key)
    if cached is None:
        cached = hash_password_with_salt(password, salt)
        with _HASH_LOCK:
            _HASH_CACHE[key] = cached
    return cached


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class _Builder:
    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        products: int,
        members: int,
        days: int,
        seed: int,
        end_date: date,
        phases: _Phases,
        hashes: dict[str, Future[str]],
    ) -> None:
        self.conn = conn
        self.n_products = products
        self.n_members = members
        self.days = days
        self.end_date = end_date
        self.first_date = end_date - timedelta(days=max(days, 1) - 1)
        self.phases = phases
        self.hashes = hashes
        master = random.Random(seed)
        # One stream per phase, each seeded from the master in a fixed order,
        # so changing how one phase draws leaves the other phases' data alone.
        self.rng = {
            name: random.Random(master.getrandbits(64))
            for name in ("org", "catalog", "products", "stock", "members", "orders")
        }
        history_start = datetime.combine(self.first_date, datetime.min.time(), TAIPEI)
        self.setup_ts = _ts(history_start - timedelta(days=400) + timedelta(hours=OPEN_HOUR))
        self.orders = 0

    # -- small tables ---------------------------------------------------------

    def _uuid(self, stream: str) -> str:
        return _uuid_hex(self.rng[stream].getrandbits(128))

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            rows,
        )

    def organisation(self) -> None:
        rnd = self.rng["org"].random
        ts = self.setup_ts
        self.branch_ids: dict[str, str] = {}
        self.workstations: dict[str, list[tuple[str, str, float]]] = {}
        branches = []
        stations = []
        for spec in BRANCHES:
            bid = self._uuid("org")
            self.branch_ids[spec.code] = bid
            branches.append(
                (bid, spec.code, spec.name_zh, spec.name_en, spec.address, spec.phone,
                 _tax_id(rnd), 1, ts, ts)
            )  # fmt: skip
            self.workstations[spec.code] = []
            for code, name, share in WORKSTATIONS:
                wid = self._uuid("org")
                prefix = f"{spec.code}{code}"
                self.workstations[spec.code].append((wid, prefix, share))
                stations.append((wid, bid, code, name, prefix, 1, ts, ts))
        self.insert(
            "branches",
            ("id", "code", "name_zh", "name_en", "address", "phone", "tax_id", "active",
             "created_at", "updated_at"),
            branches,
        )  # fmt: skip
        self.insert(
            "workstations",
            ("id", "branch_id", "code", "name", "invoice_prefix", "active", "created_at",
             "updated_at"),
            stations,
        )  # fmt: skip
        self.tax_ids: dict[str, tuple[str, int]] = {}
        rows = []
        for code, zh, en, rate in TAX_CLASSES:
            tid = self._uuid("org")
            self.tax_ids[code] = (tid, rate)
            rows.append((tid, code, zh, en, rate, 1))
        self.insert(
            "tax_classes", ("id", "code", "name_zh", "name_en", "rate_bp", "inclusive"), rows
        )
        self.staff_ids: dict[str, str] = {
            user.username: self._uuid("org") for user in DEMO_USERS + EXTRA_CASHIERS
        }

    def staff(self) -> None:
        ts = self.setup_ts
        rows = []
        for user in DEMO_USERS + EXTRA_CASHIERS:
            branch = self.branch_ids[user.branch_code] if user.branch_code else None
            rows.append(
                (self.staff_ids[user.username], user.username, user.display_name,
                 self.hashes[user.username].result(), user.role.value, branch,
                 user.max_discount_bp, "zh_TW", 1, None, ts, ts)
            )  # fmt: skip
        self.insert(
            "staff_users",
            ("id", "username", "display_name", "password_hash", "role", "branch_id",
             "max_discount_bp", "locale", "active", "last_login_at", "created_at", "updated_at"),
            rows,
        )  # fmt: skip

    def catalog(self) -> None:
        """Brands and the three-level category tree, and the leaves products sit on."""
        rng = self.rng["catalog"]
        rnd = rng.random
        ts = self.setup_ts
        # Brands: every real one once (pools share some), then made-up ones.
        brand_index: dict[str, int] = {}
        self.brand_zh: list[str] = []
        self.brand_en: list[str] = []
        self.brand_ids: list[str] = []

        def brand(zh: str, en: str) -> int:
            if en not in brand_index:
                brand_index[en] = len(self.brand_en)
                self.brand_zh.append(zh)
                self.brand_en.append(en)
                self.brand_ids.append(_uuid_hex(rng.getrandbits(128)))
            return brand_index[en]

        dept_pools = [[brand(zh, en) for zh, en in _pairs(d.brands)] for d in CATALOG]
        sub_pools = [
            [[brand(zh, en) for zh, en in _pairs(s.brands)] for s in d.subs] for d in CATALOG
        ]
        made_up = [
            (a_zh + b_zh, a_en + b_en)
            for a_zh, a_en in _pairs(BRAND_FIRST)
            for b_zh, b_en in _pairs(BRAND_SECOND)
        ]
        rng.shuffle(made_up)
        turn = 0
        for zh, en in made_up:
            if len(self.brand_en) >= TOTAL_BRANDS:
                break
            if en in brand_index:
                continue
            dept_pools[turn % len(CATALOG)].append(brand(zh, en))
            turn += 1
        self.insert(
            "brands",
            ("id", "name_zh", "name_en", "created_at", "updated_at"),
            zip(self.brand_ids, self.brand_zh, self.brand_en, [ts] * len(self.brand_ids),
                [ts] * len(self.brand_ids), strict=True),
        )  # fmt: skip

        categories: list[tuple[Any, ...]] = []
        self.leaves: list[_Leaf] = []
        #: Per leaf, the aisle and bay its goods stand in: the department's
        #: letter and the sub-category's bay ("A-03"), so picking walks by shelf.
        self.shelf_of: list[str] = []
        shares: list[float] = []
        for di, dept in enumerate(CATALOG, start=1):
            dept_id = _uuid_hex(rng.getrandbits(128))
            dept_code = f"C{di:02d}"
            categories.append((dept_id, None, dept_code, dept.zh, dept.en, 0, di, ts, ts))
            n_leaves = sum(len(_pairs(s.leaves)) for s in dept.subs)
            for si, sub in enumerate(dept.subs, start=1):
                sub_id = _uuid_hex(rng.getrandbits(128))
                sub_code = f"{dept_code}-{si:02d}"
                categories.append((sub_id, dept_id, sub_code, sub.zh, sub.en, 1, si, ts, ts))
                pool = sub_pools[di - 1][si - 1] or dept_pools[di - 1]
                for li, item in enumerate(sub.leaves.split("|"), start=1):
                    leaf = self._leaf(
                        _uuid_hex(rng.getrandbits(128)), item, dept=dept, sub=sub, pool=pool,
                        tax=self.tax_ids[sub.tax], rnd=rnd,
                    )  # fmt: skip
                    categories.append(
                        (leaf.id, sub_id, f"{sub_code}-{li:02d}", leaf.zh, leaf.en, 2, li, ts, ts)
                    )
                    self.leaves.append(leaf)
                    self.shelf_of.append(f"{chr(64 + di)}-{si:02d}")
                    shares.append(dept.share / n_leaves)
        self.insert(
            "categories",
            ("id", "parent_id", "code", "name_zh", "name_en", "depth", "sort_order",
             "created_at", "updated_at"),
            categories,
        )  # fmt: skip
        self.leaf_cum = _cumulative(shares)

    @staticmethod
    def _leaf(
        leaf_id: str,
        item: str,
        *,
        dept: _Dept,
        sub: _Sub,
        pool: list[int],
        tax: tuple[str, int],
        rnd: Callable[[], float],
    ) -> _Leaf:
        zh, en, *own_sizes = item.split(":")
        tax_id, rate = tax
        origins = dept.origins.split("|")
        sizes = _sizes(own_sizes[0], "/") if own_sizes else _sizes(sub.sizes)
        spec_key = sub.spec or dept.spec
        if sub.weighed:
            suffix = [("", "")]
            desc = [f"，依重量計價。{dept.tail}"]
            specs = [
                [json.dumps({"計價單位": "每公斤", "產地": o}, ensure_ascii=False) for o in origins]
            ]
            prices = [_charm_prices(sub.lo, sub.hi, floor=sub.lo, ceiling=sub.hi, rnd=rnd)]
        else:
            suffix = [(f" {s_zh}", f" {s_en}") for s_zh, s_en in sizes]
            desc = [f"，{s_zh}。{dept.tail}" for s_zh, _ in sizes]
            specs = [
                [json.dumps({spec_key: s_zh, "產地": o}, ensure_ascii=False) for o in origins]
                for s_zh, _ in sizes
            ]
            # Bigger sizes cost more: each size gets its own slice of the range.
            n = len(sizes)
            ratio = sub.hi / sub.lo
            prices = []
            for k in range(n):
                lo = max(sub.lo, round(sub.lo * ratio ** (k / (n + 1))))
                hi = min(sub.hi, round(sub.lo * ratio ** ((k + 2) / (n + 1))))
                prices.append(
                    _charm_prices(lo, max(hi, lo + 1), floor=sub.lo, ceiling=sub.hi, rnd=rnd)
                )
        return _Leaf(
            id=leaf_id,
            zh=zh,
            en=en,
            tax_id=tax_id,
            rate_bp=rate,
            weighed=sub.weighed,
            unit="kg" if sub.weighed else "pc",
            brands=pool,
            variants=_pairs(sub.variants),
            size_suffix=suffix,
            desc_rest=desc,
            prices=prices,
            specs=specs,
        )

    # -- products -------------------------------------------------------------

    def products(self) -> None:
        rng = self.rng["products"]
        n = self.n_products
        # Keys in ascending order append to the primary-key index instead of
        # splitting pages all over it, and let stock levels (keyed by product)
        # be written in key order too. They are still random version-4 UUIDs.
        ids = sorted([rng.getrandbits(128) & _UUID_CLEAR | _UUID_SET for _ in range(n)])
        plan = _BarcodePlan(len(self.brand_ids))
        self.product_ids: list[str] = []
        self.leaf_of = array("H")
        self.brand_of = array("H")
        self.variant_of = array("B")
        self.size_of = array("B")
        self.price_of = array("l")
        #: 0 when the product has no member price.
        self.mprice_of = array("l")
        for start in range(0, n, BATCH):
            stop = min(n, start + BATCH)
            rows, codes = self._product_batch(rng, ids, start, stop, plan)
            self.conn.executemany(PRODUCT_SQL, rows)
            self.conn.executemany(BARCODE_SQL, codes)
            self.phases.report("products", stop, n, f"products {stop}/{n}")

    def _listing_times(self) -> tuple[list[str], list[str]]:
        """Days and times of day (UTC) products were listed on: office hours,
        over the two years before the history starts."""
        first_day = self.first_date - timedelta(days=730)
        days = [(first_day + timedelta(days=k)).isoformat() for k in range(729)]
        times = [  # 09:00-18:00 Taipei
            f"{h:02d}:{m:02d}:{s:02d}.000000" for h in range(1, 10) for m in range(60)
            for s in range(0, 60, 7)
        ]  # fmt: skip
        return days, times

    def _product_batch(
        self, rng: random.Random, ids: list[int], start: int, stop: int, plan: _BarcodePlan
    ) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
        # The hot loop of the whole build: everything it touches is bound to
        # a local name first, and per-product helper calls are avoided.
        rnd = rng.random
        leaves, cum, shelf_of = self.leaves, self.leaf_cum, self.shelf_of
        brand_ids, brand_zh, brand_en = self.brand_ids, self.brand_zh, self.brand_en
        days, times = self._listing_times()
        n_days, n_times = len(days), len(times)
        primary, second = plan.primary, plan.second
        ids_append = self.product_ids.append
        leaf_of, brand_of = self.leaf_of.append, self.brand_of.append
        variant_of, size_of = self.variant_of.append, self.size_of.append
        price_of, mprice_of = self.price_of.append, self.mprice_of.append
        rows: list[tuple[Any, ...]] = []
        codes: list[tuple[str, str, str]] = []
        row, code = rows.append, codes.append
        for i in range(start, stop):
            li = bisect_right(cum, rnd())
            leaf = leaves[li]
            pool = leaf.brands
            b = pool[int(rnd() * len(pool))]
            variants = leaf.variants
            vi = int(rnd() * len(variants))
            v_zh, v_en = variants[vi]
            suffixes = leaf.size_suffix
            si = int(rnd() * len(suffixes))
            s_zh, s_en = suffixes[si]
            candidates = leaf.prices[si]
            price = candidates[int(rnd() * len(candidates))]
            member_price = 0
            if rnd() < 0.15:
                member_price = price * (85 + int(rnd() * 11)) // 100
                if member_price >= 50:
                    member_price -= member_price % 5
                if member_price >= price:
                    member_price = 0
            specs = leaf.specs[si]
            pid = f"{ids[i]:032x}"
            listed = f"{days[int(rnd() * n_days)]} {times[int(rnd() * n_times)]}"
            b_zh = brand_zh[b]
            l_zh = leaf.zh
            row(
                (pid, f"P{i + 1:07d}", f"{b_zh} {l_zh} {v_zh}{s_zh}",
                 f"{brand_en[b]} {leaf.en} {v_en}{s_en}", leaf.id, brand_ids[b], leaf.tax_id,
                 price, member_price or None, leaf.unit, leaf.weighed,
                 f"{b_zh}{l_zh}（{v_zh}）{leaf.desc_rest[si]}", specs[int(rnd() * len(specs))],
                 1, listed, listed, f"{shelf_of[li]}-{1 + i % 4}")
            )  # fmt: skip
            code((primary(b), pid, "ean13"))
            if rnd() < 0.10:
                extra, kind = second(rnd() < 0.5)
                code((extra, pid, kind))
            ids_append(pid)
            leaf_of(li)
            brand_of(b)
            variant_of(vi)
            size_of(si)
            price_of(price)
            mprice_of(member_price)
        return rows, codes

    def product_names(self, i: int) -> tuple[str, str]:
        """The names product ``i`` was given (order lines copy them)."""
        leaf = self.leaves[self.leaf_of[i]]
        b = self.brand_of[i]
        v_zh, v_en = leaf.variants[self.variant_of[i]]
        s_zh, s_en = leaf.size_suffix[self.size_of[i]]
        return (
            f"{self.brand_zh[b]} {leaf.zh} {v_zh}{s_zh}",
            f"{self.brand_en[b]} {leaf.en} {v_en}{s_en}",
        )

    # -- stock ----------------------------------------------------------------

    def stock(self) -> None:
        """Per-branch stock, computed inside SQLite from a hash of the product's rowid.

        Three rows per product make this the biggest table; generating it in
        SQL is several times faster than from Python, and just as reproducible.
        """
        rng = self.rng["stock"]
        as_of = _ts(
            datetime.combine(self.end_date, datetime.min.time(), TAIPEI) + timedelta(hours=22)
        )
        # A 32-bit integer hash of rowid: SQLite has no XOR, so a ^ b is
        # (a | b) - (a & b); every product stays below 2**63. "LIMIT -1" stops
        # SQLite flattening the subqueries, which would recompute the whole
        # hash at every use of h.
        sql = """
            INSERT INTO stock_levels
                (branch_id, product_id, on_hand_milli, low_stock_milli, as_of)
            SELECT :branch, id,
                CASE WHEN weighed THEN 500 + (h >> 8) % 40000
                     ELSE ((h >> 8) % (CASE (h >> 24) % 4 WHEN 0 THEN 300 ELSE 60 END)) * 1000
                END,
                CASE WHEN weighed THEN 5000 ELSE (1 + (h >> 20) % 4) * 3000 END,
                :as_of
            FROM (
                SELECT id, weighed, (x2 | (x2 >> 15)) - (x2 & (x2 >> 15)) AS h FROM (
                    SELECT id, weighed,
                        (((x1 | (x1 >> 16)) - (x1 & (x1 >> 16))) * 2146121005) & 4294967295 AS x2
                    FROM (
                        SELECT id, weighed, (rowid * 2654435761 + :salt) & 4294967295 AS x1
                        FROM products ORDER BY rowid LIMIT -1
                    ) LIMIT -1
                ) LIMIT -1
            )
            WHERE h % 100 < :carried
        """
        branches = list(self.branch_ids.values())
        for k, (code, branch_id) in enumerate(self.branch_ids.items()):
            carried = (92, 85, 80)[k % 3]
            self.conn.execute(
                sql,
                {
                    "branch": branch_id,
                    "as_of": as_of,
                    "salt": rng.getrandbits(31),
                    "carried": carried,
                },
            )
            self.phases.report("stock", k + 1, len(branches), f"stock levels {code}")

    # -- members --------------------------------------------------------------

    def members(self) -> None:
        rng = self.rng["members"]
        rnd = rng.random
        bits = rng.getrandbits
        clear, setv = _UUID_CLEAR, _UUID_SET
        m = self.n_members
        surnames = [tuple(s.split(":")) for s in SURNAMES.split("|")]
        surname_cum = _cumulative(float(s[2]) for s in surnames)
        given = (_pairs(GIVEN_F), _pairs(GIVEN_M))
        level_cum = _cumulative(share for _, share, _, _ in MEMBER_LEVELS)
        branch_ids = list(self.branch_ids.values())
        branch_cum = _cumulative(b.weight for b in BRANCHES)
        first_birthday = date(1955, 1, 1).toordinal()
        birthday_span = date(2008, 12, 31).toordinal() - first_birthday
        joined_from = datetime.combine(self.first_date, datetime.min.time(), TAIPEI) - timedelta(
            days=1095
        )
        sql = (
            "INSERT INTO members (id, code, name, phone, email, level, birthday, home_branch_id,"
            " points, marketing_opt_in, active, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
        )
        self.member_ids: list[str] = []
        for start in range(0, m, BATCH):
            stop = min(m, start + BATCH)
            rows = []
            for i in range(start, stop):
                s_zh, s_en, _ = surnames[bisect_right(surname_cum, rnd())]
                names = given[int(rnd() * 2)]
                g1_zh, g1_en = names[int(rnd() * len(names))]
                g2_zh, g2_en = names[int(rnd() * len(names))]
                email = ""
                if rnd() < 0.6:
                    domain = EMAIL_DOMAINS[int(rnd() * len(EMAIL_DOMAINS))]
                    email = f"{g1_en}{g2_en}.{s_en}{int(rnd() * 100):02d}@{domain}".lower()
                level, _, lo, hi = MEMBER_LEVELS[bisect_right(level_cum, rnd())]
                birthday = None
                if rnd() < 0.9:
                    birthday = date.fromordinal(first_birthday + int(rnd() * birthday_span))
                joined = _ts(joined_from + timedelta(seconds=int(rnd() * 1095 * 86400)))
                mid = f"{bits(128) & clear | setv:032x}"
                self.member_ids.append(mid)
                rows.append(
                    (mid, f"M{i + 1:07d}", f"{s_zh}{g1_zh}{g2_zh}", f"09{int(rnd() * 1e8):08d}",
                     email, level.value, birthday.isoformat() if birthday else None,
                     branch_ids[bisect_right(branch_cum, rnd())],
                     lo + int(rnd() * (hi - lo)), int(rnd() < 0.4), int(rnd() < 0.98),
                     joined, joined)
                )  # fmt: skip
            self.conn.executemany(sql, rows)
            self.phases.report("members", stop, m, f"members {stop}/{m}")

    # -- sales history --------------------------------------------------------

    def history(self) -> None:
        sales = _Sales(self)
        for day_no in range(self.days):
            day = self.first_date + timedelta(days=day_no)
            sales.day(day_no, day)
            self.conn.executemany(ORDER_SQL, sales.orders)
            self.conn.executemany(LINE_SQL, sales.lines)
            self.conn.executemany(PAYMENT_SQL, sales.payments)
            self.conn.executemany(MOVEMENT_SQL, sales.movements)
            self.orders += len(sales.orders)
            sales.clear()
            self.phases.report(
                "orders", day_no + 1, self.days, f"orders {day.isoformat()} ({self.orders} so far)"
            )
        self.counters = sales.counters
        # Best-selling order and search ranking read products.popularity.
        self.conn.executemany(
            "UPDATE products SET popularity = ? WHERE id = ?",
            ((units, self.product_ids[p]) for p, units in sorted(sales.units.items())),
        )

    def device(self) -> None:
        rnd = self.rng["org"]
        prefix = f"{THIS_BRANCH}{THIS_WORKSTATION}"
        station_id = next(w for w, p, _ in self.workstations[THIS_BRANCH] if p == prefix)
        used = self.counters.get(prefix, 0)
        enrolled = _ts(
            datetime.combine(self.first_date, datetime.min.time(), TAIPEI)
            - timedelta(days=60)
            + timedelta(hours=OPEN_HOUR)
        )
        self.conn.execute(
            "INSERT INTO device_identity (singleton, device_id, workstation_id, next_device_seq,"
            " next_invoice_no, currency_code, enrolled_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (_uuid_hex(rnd.getrandbits(128)), station_id, used + 1, used + 1, CURRENCY, enrolled),
        )


class _BarcodePlan:
    """Unique, valid barcodes by construction.

    EAN-13 is 471 (Taiwan) + a 4-digit company + a 5-digit item + check. A
    brand owns companies ``brand``, ``brand + n_brands``, ... (100,000 items
    each); companies 9000-9999 hold second labels. EAN-8 second labels use
    the in-store range 2xxxxxx.
    """

    PREFIX_SUM = 4 * 1 + 7 * 3 + 1 * 1  # "471" weighted 1, 3, 1

    def __init__(self, n_brands: int) -> None:
        self.n_brands = n_brands
        self.used = [0] * n_brands
        self.company_sums = _weighted_sums(4, 3)
        self.item_sums = _weighted_sums(5, 7)
        self.second_ean13 = 0
        self.ean8 = 0

    def _ean13(self, company: int, item: int) -> str:
        check = -(self.PREFIX_SUM + self.company_sums[company] + self.item_sums[item]) % 10
        return f"471{company:04d}{item:05d}{check}"

    def primary(self, brand: int) -> str:
        used = self.used[brand]
        self.used[brand] = used + 1
        company = brand + self.n_brands * (used // 100_000)
        if company >= 9000:
            raise ValueError("too many products of one brand for the demo barcode plan")
        return self._ean13(company, used % 100_000)

    def second(self, short: bool) -> tuple[str, str]:
        if short and self.ean8 < 1_000_000:
            body = f"2{self.ean8:06d}"
            self.ean8 += 1
            return f"{body}{gtin_check_digit(body)}", "ean8"
        serial = self.second_ean13
        self.second_ean13 += 1
        return self._ean13(9000 + serial // 100_000, serial % 100_000), "ean13"


class _Sales:
    """Makes the order history one day at a time, into lists of rows."""

    def __init__(self, shop: _Builder) -> None:
        self.shop = shop
        rng = shop.rng["orders"]
        self.rnd = rng.random
        self.bits = rng.getrandbits
        n = shop.n_products
        self.n = n
        # Popularity is Zipf-like: rank = K * ((n + K) / K) ** u - K is
        # log-uniform over the ranks, so a few hundred best sellers take a
        # large share. A fixed permutation (mult * rank + shift mod n) spreads
        # the best sellers over the catalog.
        self.log_span = math.log((n + ZIPF_OFFSET) / ZIPF_OFFSET)
        mult = 2_654_435_761 % n or 1
        while math.gcd(mult, n) != 1:
            mult += 1
        self.mult = mult
        self.shift = rng.randrange(n)
        self.hour_cum = _cumulative(HOUR_WEIGHTS)
        self.lines_cum = _cumulative(LINE_COUNT_WEIGHTS)
        self.pay_cum = _cumulative(PAYMENT_WEIGHTS)
        self.per_branch_day = min(MAX_ORDERS_PER_BRANCH_DAY, max(1, n // 5))
        self.cashiers = {
            spec.code: [shop.staff_ids[u.username] for u in DEMO_USERS + EXTRA_CASHIERS
                        if u.role is Role.CASHIER and u.branch_code == spec.code]
            for spec in BRANCHES
        }  # fmt: skip
        #: Last number used per workstation (invoice prefix).
        self.counters: dict[str, int] = {}
        #: Units sold per product index (a weighed sale counts its kilograms, at least 1).
        self.units: dict[int, int] = {}
        self.orders: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []
        self.payments: list[tuple[Any, ...]] = []
        self.movements: list[tuple[Any, ...]] = []

    def clear(self) -> None:
        self.orders, self.lines, self.payments, self.movements = [], [], [], []

    def _id(self) -> str:
        return f"{self.bits(128) & _UUID_CLEAR | _UUID_SET:032x}"

    def day(self, day_no: int, day: date) -> None:
        rnd = self.rnd
        midnight = datetime.combine(day, datetime.min.time(), TAIPEI)
        hour_cum = self.hour_cum
        for spec in BRANCHES:
            count = round(
                self.per_branch_day
                * WEEKDAY_FACTOR[day.weekday()]
                * spec.weight
                * (0.9 + 0.2 * rnd())
            )
            # Each till's numbers must run in time order, so draw the day's
            # times first and sell in that order.
            offsets = sorted(
                (OPEN_HOUR + bisect_right(hour_cum, rnd())) * 3_600_000_000
                + int(rnd() * 3_600_000_000)
                for _ in range(count)
            )
            for offset in offsets:
                self._order(spec, day_no, midnight + timedelta(microseconds=offset))

    def _order(self, spec: _BranchSpec, day_no: int, created_at: datetime) -> None:
        rnd = self.rnd
        shop = self.shop
        stations = shop.workstations[spec.code]
        station_no = 0 if rnd() < stations[0][2] else 1
        station_id, prefix, _ = stations[station_no]
        done_at = created_at + timedelta(
            seconds=20 + int(rnd() * 220), microseconds=int(rnd() * 1_000_000)
        )
        done = _ts(done_at)
        staff = self.cashiers[spec.code]
        shift = 0 if created_at.hour < 15 else 1
        staff_id = staff[(day_no * 2 + shift + station_no) % len(staff)]
        member_id = None
        if shop.member_ids and rnd() < 0.3:
            member_id = shop.member_ids[int(rnd() * len(shop.member_ids))]
        order_id = self._id()
        branch_id = shop.branch_ids[spec.code]
        lines = self._lines(order_id, member_id is not None)
        if not lines:
            return  # every draw was a big-ticket item that did not sell
        subtotal = discount = tax = 0
        for line in lines:
            qty, product_id, off, line_tax, total = line[7], line[3], line[9], line[11], line[12]
            subtotal += total + off
            discount += off
            tax += line_tax
            self.movements.append(
                (self._id(), branch_id, product_id, -qty, StockReason.SALE.value, order_id,
                 staff_id, done)
            )  # fmt: skip
        self.lines.extend(lines)
        seq = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = seq
        number = f"{prefix}-{seq:08d}"
        total = subtotal - discount
        buyer = _tax_id(rnd) if rnd() < 0.03 else ""
        self.orders.append(
            (order_id, number, branch_id, station_id, staff_id, member_id,
             OrderKind.TAKE_AWAY.value, OrderStatus.COMPLETED.value, CURRENCY, subtotal,
             discount, tax, total, number, buyer, _ts(created_at), done, seq)
        )  # fmt: skip
        self._payments(order_id, total, done_at, done)

    def _lines(self, order_id: str, member: bool) -> list[tuple[Any, ...]]:
        rnd = self.rnd
        shop = self.shop
        n, mult, shift, log_span = self.n, self.mult, self.shift, self.log_span
        price_of, mprice_of = shop.price_of, shop.mprice_of
        lines: list[tuple[Any, ...]] = []
        seen: set[int] = set()
        for _ in range(bisect_right(self.lines_cum, rnd()) + 1):
            rank = int(ZIPF_OFFSET * math.exp(rnd() * log_span) - ZIPF_OFFSET)
            p = (min(rank, n - 1) * mult + shift) % n
            if price_of[p] > 1000 and rnd() < 0.85:
                continue  # big-ticket items sell rarely, whatever their rank
            if p in seen:
                continue
            seen.add(p)
            leaf = shop.leaves[shop.leaf_of[p]]
            price = mprice_of[p] if member and mprice_of[p] else price_of[p]
            if leaf.weighed:
                qty = 200 + 5 * int(rnd() * 461)  # 0.200 - 2.500 kg
            else:
                qty = 1000 * QTY_TABLE[int(rnd() * len(QTY_TABLE))]
            gross = line_gross_minor(qty, price)
            self.units[p] = self.units.get(p, 0) + max(1, half_up(qty, MILLI))
            off = 0
            promotions = "[]"
            if rnd() < 0.06 and gross >= 20:
                off = gross // 10
                code, p_zh, p_en = PROMOTIONS[int(rnd() * (3 if member else 2))]
                promotions = json.dumps(
                    [{"code": code, "name_zh": p_zh, "name_en": p_en, "discount_minor": off}],
                    ensure_ascii=False,
                )
            total = gross - off
            rate = leaf.rate_bp
            line_tax = tax_in_gross_bp(total, rate)
            name_zh, name_en = shop.product_names(p)
            lines.append(
                (self._id(), order_id, len(lines) + 1, shop.product_ids[p], f"P{p + 1:07d}",
                 name_zh, name_en, qty, price, off, rate, line_tax, total, promotions)
            )  # fmt: skip
        return lines

    def _payments(self, order_id: str, total: int, at: datetime, stamp: str) -> None:
        rnd = self.rnd
        day = at.astimezone(TAIPEI).strftime("%Y%m%d")
        kind = bisect_right(self.pay_cum, rnd())
        if kind == 4 and total < 200:
            kind = 1
        cash, card = PaymentMethod.CASH.value, PaymentMethod.CARD.value
        out = self.payments
        if kind == 0:
            out.append((self._id(), order_id, cash, total, *_tender(total, rnd), "", "", stamp))
        elif kind == 1:
            out.append((self._id(), order_id, card, total, None, 0, *self._card(), stamp))
        elif kind in (2, 3):
            method = (PaymentMethod.ALIPAY, PaymentMethod.WECHAT)[kind - 2].value
            head = "2088" if kind == 2 else "4200"
            reference = f"{head}{day}{int(rnd() * 1e16):016d}"
            out.append((self._id(), order_id, method, total, None, 0, reference, "", stamp))
        else:
            # Split: part on a card, the rest in cash.
            on_card = total * (30 + int(rnd() * 41)) // 100
            in_cash = total - on_card
            out.append((self._id(), order_id, card, on_card, None, 0, *self._card(), stamp))
            out.append((self._id(), order_id, cash, in_cash, *_tender(in_cash, rnd), "", "", stamp))

    def _card(self) -> tuple[str, str]:
        """An approval code and the card's last four digits."""
        rnd = self.rnd
        return f"{int(rnd() * 1e6):06d}", f"{int(rnd() * 1e4):04d}"


def _tender(amount: int, rnd: Callable[[], float]) -> tuple[int, int]:
    """What a customer hands over in cash for ``amount``, and the change."""
    roll = rnd()
    if roll < 0.25:
        tendered = amount
    elif roll < 0.6:
        tendered = -(-amount // 100) * 100
    elif roll < 0.85:
        tendered = -(-amount // 500) * 500
    else:
        tendered = -(-amount // 1000) * 1000
    return tendered, tendered - amount


def _cumulative(weights: Iterable[float]) -> list[float]:
    """Cumulative shares for ``bisect_right(cum, random())``."""
    weights = list(weights)
    whole = sum(weights)
    cum = []
    running = 0.0
    for w in weights:
        running += w / whole
        cum.append(running)
    cum[-1] = 2.0  # float rounding must never push a draw past the last choice
    return cum


# --- orchestration --------------------------------------------------------------


def _phase_weights(products: int, members: int, days: int) -> list[tuple[str, float]]:
    """Rough seconds per phase on a small machine, so the bar moves evenly."""
    orders = days * 2.6 * min(MAX_ORDERS_PER_BRANCH_DAY, max(1, products // 5))
    return [
        ("schema", 0.5),
        ("setup", 0.3),
        ("products", products * 14e-6),
        ("stock", products * 4e-6),
        ("members", members * 8e-6),
        ("staff", 0.3),
        ("orders", orders * 100e-6),
        ("indexes", 0.1 + products * 10e-6),
        ("finish", 0.2 + products * 1e-6),
    ]


def build_demo(
    path: Path,
    *,
    products: int = 5000,
    members: int = 500,
    days: int = 30,
    seed: int = 42,
    end_date: date | None = None,
    replace: bool = False,
    state: TaskState | None = None,
) -> DemoSummary:
    """Write a demo workstation database (R1 of branch B01) to ``path``.

    History covers the ``days`` days ending on ``end_date`` (default: today,
    local date). Raises :class:`FileExistsError` if ``path`` exists and
    ``replace`` is false; on cancel (``Cancelled``) or any error the partial
    file is removed.
    """
    if products < 1 or members < 0 or days < 0:
        raise ValueError("need products >= 1, members >= 0, days >= 0")
    path = path.expanduser().resolve()
    if path.exists() and not replace:
        raise FileExistsError(f"{path} exists; pass replace=True to overwrite it")
    started = time.perf_counter()
    end = end_date or datetime.now(UTC).astimezone().date()
    phases = _Phases(state, _phase_weights(products, members, days))
    _remove_db_files(path)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-hash")
    try:
        # Hashing is slow C code without the GIL: let it run beside the load.
        hashes = {
            user.username: pool.submit(
                _demo_hash,
                user.password,
                hashlib.sha256(f"{seed}:{user.username}".encode()).digest()[:16],
            )
            for user in DEMO_USERS + EXTRA_CASHIERS
        }
        phases.report("schema", 0, 1, "creating schema")
        database = open_database(path)
        database.dispose()
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            builder = _Builder(
                conn,
                products=products,
                members=members,
                days=days,
                seed=seed,
                end_date=end,
                phases=phases,
                hashes=hashes,
            )
            _load(conn, builder, phases)
        finally:
            conn.close()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        _remove_db_files(path)
        raise
    pool.shutdown(wait=True)
    return DemoSummary(
        path=path,
        products=products,
        members=members,
        orders=builder.orders,
        seconds=time.perf_counter() - started,
    )


def _load(conn: sqlite3.Connection, builder: _Builder, phases: _Phases) -> None:
    # Nothing needs to survive a crash until the very end: a half-built demo
    # is deleted anyway, so no journal, no syncs, one exclusive transaction.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    # Rows go in mostly in key order, so a bigger cache only delays the same
    # writes to COMMIT (measured: 1 GB was slower overall than 200 MB).
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN")
    # Secondary indexes are built faster in one sort at the end than row by row.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    phases.report("setup", 0, 1, "organisation and catalog")
    builder.organisation()
    builder.catalog()
    phases.report("setup", 1, 1, "organisation and catalog")
    builder.products()
    builder.stock()
    builder.members()
    phases.report("staff", 0, 1, "staff accounts")
    builder.staff()
    phases.report("staff", 1, 1, "staff accounts")
    builder.history()
    builder.device()
    _promotions_coupons_and_credit(builder)
    for k, (name, sql) in enumerate(indexes, start=1):
        conn.execute(sql)
        phases.report("indexes", k, len(indexes), f"index {name}")
    conn.execute("COMMIT")
    phases.report("finish", 0, 1, "analyzing")
    # A sampled ANALYZE is cheap and lets the planner pick indexes on day one.
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")
    # Back to the settings every workstation database has (see data/db.py).
    conn.execute("PRAGMA locking_mode = NORMAL")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    phases.report("finish", 1, 1, "done")


# --- promotions, coupons, delivery rules, store credit ---------------------------


def _promotions_coupons_and_credit(builder: _Builder) -> None:
    """A few hand-written promotions and coupons, two delivery rules, some store credit.

    Enough to try every coupon answer at the counter: WELCOME100 and VIP95
    work, SAVE150 and DRINK20 work once, EXPIRED50 has expired, NEWYEAR88 is
    not valid yet, GIFT200 belongs to the first member. Rules are written in
    the shape ``domain.pricing.promotion_from_json`` reads; coupon validity is
    the shop's wall-clock time. No redemptions: every coupon starts unused.
    """
    conn = builder.conn
    rng = random.Random(builder.rng["org"].getrandbits(64))
    ts = builder.setup_ts

    def new_uuid() -> str:
        return _uuid_hex(rng.getrandbits(128))

    def dashed(hex_id: str) -> str:
        # Rules name ids as str(uuid), the way the cart and the engine do.
        h = hex_id
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def wall(day: date) -> str:
        return datetime.combine(day, datetime.min.time()).strftime("%Y-%m-%d %H:%M:%S.%f")

    def rule(code: str, zh: str, en: str, kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
        pid = new_uuid()
        data: dict[str, Any] = {
            "id": dashed(pid), "code": code, "name_zh": zh, "name_en": en, "kind": kind,
            "target": {"product_ids": [], "category_ids": [], "brand_ids": []},
            "schedule": {"starts_at": None, "ends_at": None, "weekdays": [], "from_time": None,
                         "until_time": None},
            "percent_bp": 0, "amount_minor": 0, "tiers": [], "repeat": False, "buy_qty": 0,
            "get_qty": 0, "bundle": [], "bundle_price_minor": 0, "member_levels": [],
            "priority": 0, "stackable": True, "coupon_only": False,
        }  # fmt: skip
        data.update(fields)
        return pid, data

    drinks = conn.execute("SELECT id FROM categories WHERE code = 'C02'").fetchone()
    brand = conn.execute(
        "SELECT p.brand_id, b.name_zh, b.name_en FROM products p JOIN brands b"
        " ON b.id = p.brand_id GROUP BY p.brand_id ORDER BY count(*) DESC, p.brand_id LIMIT 1"
    ).fetchone()
    every_day = [
        rule("SPEND1000", "滿千折百", "NT$100 off NT$1,000 or more", "spend_save",
             tiers=[{"threshold_minor": 1000, "save_minor": 100}], priority=10),
        rule("GOLD95", "金卡與VIP會員95折", "Gold and VIP members 5% off", "member_price",
             percent_bp=500, member_levels=["gold", "vip"], priority=20),
    ]  # fmt: skip
    if drinks is not None:
        every_day.append(
            rule("DRINKS90", "飲料9折", "Drinks 10% off", "percent_off", percent_bp=1000,
                 target={"product_ids": [], "category_ids": [dashed(drinks[0])],
                         "brand_ids": []}, priority=30)
        )  # fmt: skip
    if brand is not None:
        every_day.append(
            rule("BUY2GET1", f"{brand[1]}買二送一",
                 f"{brand[2]}: buy 2, get 1 free", "buy_x_get_y", buy_qty=2, get_qty=1,
                 percent_bp=10000,
                 target={"product_ids": [], "category_ids": [], "brand_ids":
                         [dashed(brand[0])]}, priority=40)
        )  # fmt: skip
    first, end = builder.first_date, builder.end_date
    member = builder.member_ids[0] if builder.member_ids else None
    # (code, promotion, valid from, valid until, single use, max uses, member)
    coupons: list[tuple[str, tuple[str, dict[str, Any]], str | None, str | None, int,
                        int | None, str | None]] = [
        ("WELCOME100", rule("C-WELCOME100", "新會員折100元", "NT$100 off for new members",
                            "amount_off", amount_minor=100, coupon_only=True),
         wall(first - timedelta(days=30)), wall(end + timedelta(days=365)), 0, None, None),
        ("VIP95", rule("C-VIP95", "VIP 95折券", "VIP 5% off", "percent_off", percent_bp=500,
                       coupon_only=True), None, None, 0, 500, None),
        ("SAVE150", rule("C-SAVE150", "滿千折150", "NT$150 off NT$1,000", "spend_save",
                         tiers=[{"threshold_minor": 1000, "save_minor": 150}],
                         coupon_only=True), None, wall(end + timedelta(days=90)), 1, None, None),
        ("EXPIRED50", rule("C-EXPIRED50", "過期折50元", "NT$50 off (expired)", "amount_off",
                           amount_minor=50, coupon_only=True),
         wall(first - timedelta(days=90)), wall(first - timedelta(days=1)), 1, None, None),
        ("NEWYEAR88", rule("C-NEWYEAR88", "新年折88元", "NT$88 off at New Year", "amount_off",
                           amount_minor=88, coupon_only=True),
         wall(end + timedelta(days=30)), wall(end + timedelta(days=60)), 1, None, None),
    ]  # fmt: skip
    if drinks is not None:
        coupons.append(
            ("DRINK20", rule("C-DRINK20", "飲料8折券", "Drinks 20% off", "percent_off",
                             percent_bp=2000, coupon_only=True,
                             target={"product_ids": [], "category_ids": [dashed(drinks[0])],
                                     "brand_ids": []}), None, None, 1, None, None)
        )  # fmt: skip
    if member is not None:
        coupons.append(
            ("GIFT200", rule("C-GIFT200", "生日禮折200元", "Birthday gift NT$200 off",
                             "amount_off", amount_minor=200, coupon_only=True),
             None, wall(end + timedelta(days=30)), 1, None, member)
        )  # fmt: skip
    promotions = every_day + [c[1] for c in coupons]
    builder.insert(
        "promotions",
        ("id", "code", "kind", "rule", "active", "priority", "updated_at"),
        [(pid, r["code"], r["kind"], json.dumps(r, ensure_ascii=False), 1, r["priority"], ts)
         for pid, r in promotions],
    )  # fmt: skip
    builder.insert(
        "coupons",
        ("id", "code", "promotion_id", "valid_from", "valid_until", "single_use", "max_uses",
         "member_id", "active", "created_at"),
        [(new_uuid(), code, promo[0], start, stop, single, uses, owner, 1, ts)
         for code, promo, start, stop, single, uses, owner in coupons],
    )  # fmt: skip
    delivery = [
        ("FLAT100", "宅配運費100元", "Home delivery NT$100",
         {"kind": "flat", "fee_minor": 100, "threshold_minor": 0, "per_kg_minor": 0,
          "zone_fees": [], "tax_rate_bp": 500}),
        ("FREE1500", "滿1500免運費", "Free delivery from NT$1,500",
         {"kind": "free_above", "fee_minor": 100, "threshold_minor": 1500, "per_kg_minor": 0,
          "zone_fees": [], "tax_rate_bp": 500}),
        ("ZONE", "依地區運費", "Delivery by zone",
         {"kind": "by_zone", "fee_minor": 0, "threshold_minor": 0, "per_kg_minor": 0,
          "zone_fees": [["TPE", 80], ["TXG", 120], ["KNH", 300]], "tax_rate_bp": 500}),
    ]  # fmt: skip
    builder.insert(
        "delivery_rules",
        ("id", "code", "name_zh", "name_en", "rule", "active", "position"),
        [(new_uuid(), code, zh, en, json.dumps(data), 1, k)
         for k, (code, zh, en, data) in enumerate(delivery, start=1)],
    )  # fmt: skip
    credit = (500, 1000, 300, 2000, 800)
    builder.insert(
        "store_credit_entries",
        ("id", "member_id", "amount_minor", "order_id", "reason", "created_at"),
        [(new_uuid(), mid, amount, None, "top_up", ts)
         for mid, amount in zip(builder.member_ids, credit, strict=False)],
    )  # fmt: skip
