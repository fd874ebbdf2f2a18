<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>AfterSalesPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/after_sales.py" line="20"/>
        <source>After-sales</source>
        <translation>售後服務</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/after_sales.py" line="24"/>
        <source>Take returns and exchanges from start to refund, and record complaints, suggestions and customer service contacts.</source>
        <translation>受理退貨與換貨，從申請到退款一次完成；記錄客訴、建議與客服紀錄。</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="256"/>
        <source>Manager approval</source>
        <translation>主管核准</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="261"/>
        <source>{what} needs a supervisor&apos;s or manager&apos;s approval.</source>
        <extracomment>What is approved, with the audit log&apos;s words in one language whoever is at the till.</extracomment>
        <translation>{what}需要主管或店經理核准。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="272"/>
        <source>Manager</source>
        <translation>主管帳號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="273"/>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="280"/>
        <source>Type the manager&apos;s user name and password.</source>
        <translation>請輸入主管的帳號與密碼。</translation>
    </message>
</context>
<context>
    <name>BatchShipDialog</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="108"/>
        <source>Ship %n order(s)</source>
        <extracomment>The role under which the first cell keeps the order&apos;s id.</extracomment>
        <translation>
            <numerusform>出貨 %n 筆訂單</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="113"/>
        <source>Order</source>
        <translation>訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="113"/>
        <source>Carrier</source>
        <translation>物流業者</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="113"/>
        <source>Tracking number</source>
        <translation>追蹤編號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="117"/>
        <source>Carrier for every parcel</source>
        <translation>所有包裹的物流業者</translation>
    </message>
</context>
<context>
    <name>CartModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="66"/>
        <source>Item</source>
        <extracomment>The role under which every cell carries its line&apos;s id.</extracomment>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="67"/>
        <source>Qty</source>
        <translation>數量</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="68"/>
        <source>Price</source>
        <translation>單價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="69"/>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="70"/>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="119"/>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="131"/>
        <source>Note: {note}</source>
        <translation>備註：{note}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/cart_model.py" line="147"/>
        <source>{price} (set)</source>
        <translation>{price}（改價）</translation>
    </message>
</context>
<context>
    <name>CartPanel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="270"/>
        <source>Member: {name} ({code}, {level})</source>
        <extracomment>Open carts are saved this long after the last change (a scan burst is one save). How long reopening the carts waits for the saves of the session just ended. How often wallet charges the gateway could not answer for are asked about again. The cart&apos;s delivery zone has no fee: it cannot be paid for until that is fixed.</extracomment>
        <translation>會員：{name}（{code}，{level}）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="275"/>
        <source>Coupons: {codes}</source>
        <translation>優惠券：{codes}</translation>
    </message>
</context>
<context>
    <name>CashDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="51"/>
        <source>Cash in</source>
        <translation>存入現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="51"/>
        <source>Cash out</source>
        <translation>取出現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="58"/>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="59"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="69"/>
        <source>Enter an amount above zero.</source>
        <translation>請輸入大於零的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="74"/>
        <source>Say why: the reason is kept with the shift.</source>
        <translation>請說明原因：原因會與本班別一併保存。</translation>
    </message>
</context>
<context>
    <name>CatalogBrowser</name>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="467"/>
        <source>Search</source>
        <extracomment>Long enough to skip the keys of a word being typed, short enough to feel live. While search takes the slower path, how often to look whether the index is ready. How many products the suggestions offer (brands come on top of them). The suggestion&apos;s product, on each row of the suggestions&apos; model (None for a brand). The completer&apos;s popup (set by the browser). Enter on a product (the cart takes it from here). A scan (or a barcode typed into the search box) found this product. A scan found nothing; the text says why, for the cashier. The status line changed (after a page or a count arrived). After a product is chosen or scanned the cursor goes back to the search box (the counter); a place where choosing only shows the product turns it off. Enter was pressed before the results of the query were in: decide when they are. Shown while search takes the slower path (the index is being built).</extracomment>
        <translation>搜尋</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="468"/>
        <source>Name, pinyin, brand, SKU or barcode (Ctrl+F)</source>
        <translation>品名、拼音、品牌、貨號或條碼（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="469"/>
        <source>Brand</source>
        <translation>品牌</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="470"/>
        <source>Price</source>
        <translation>價格</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="471"/>
        <source>from</source>
        <translation>最低</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="472"/>
        <source>to</source>
        <translation>最高</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="477"/>
        <source>In stock here only</source>
        <translation>只看本店有庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="478"/>
        <source>Sort by</source>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="479"/>
        <source>Search index is being built: results may be incomplete.</source>
        <translation>搜尋索引建立中：結果可能不完整。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="481"/>
        <source>Name</source>
        <translation>品名</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="482"/>
        <source>Price: low to high</source>
        <translation>價格：由低到高</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="483"/>
        <source>Price: high to low</source>
        <translation>價格：由高到低</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="484"/>
        <source>Best-selling</source>
        <translation>最暢銷</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="485"/>
        <source>Newest</source>
        <translation>最新上架</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="539"/>
        <source>All brands</source>
        <translation>全部品牌</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="585"/>
        <source>Type a price such as 120 or 99.5</source>
        <translation>請輸入價格，例如 120 或 99.5</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="747"/>
        <source>Looking…</source>
        <translation>搜尋中…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="750"/>
        <source>Counting…</source>
        <translation>計算中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="752"/>
        <source>%Ln product(s)</source>
        <translation>
            <numerusform>共 %Ln 項商品</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="758"/>
        <source>%Ln match(es)</source>
        <translation>
            <numerusform>%Ln 項符合</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="754"/>
        <source>No products match.</source>
        <translation>找不到符合的商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="756"/>
        <source>{count}+ matches</source>
        <translation>{count}+ 項符合</translation>
    </message>
</context>
<context>
    <name>CatalogPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/catalog.py" line="34"/>
        <source>Catalog</source>
        <translation>商品目錄</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/catalog.py" line="38"/>
        <source>Browse and edit products, prices, barcodes, stock thresholds and categories.</source>
        <translation>瀏覽與編輯商品、價格、條碼、庫存警戒量與分類。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/catalog.py" line="49"/>
        <source>Products on sale</source>
        <translation>販售中商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/catalog.py" line="49"/>
        <source>Categories</source>
        <translation>分類</translation>
    </message>
</context>
<context>
    <name>CategoryModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="568"/>
        <source>All products</source>
        <extracomment>The role under which a category item carries its id (None: everything).</extracomment>
        <translation>全部商品</translation>
    </message>
</context>
<context>
    <name>ChangeDue</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/change_due.py" line="94"/>
        <source>Change {amount}</source>
        <translation>找零 {amount}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/change_due.py" line="97"/>
        <source>Sale {number} · received {received}</source>
        <translation>銷售 {number} · 收款 {received}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/change_due.py" line="101"/>
        <source>Scan or add the next item to start the next customer.</source>
        <translation>掃描或加入下一件商品，即開始服務下一位顧客。</translation>
    </message>
</context>
<context>
    <name>CheckoutDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="63"/>
        <source>Payment</source>
        <extracomment>Emitted with the :class:`CommittedSale` after the sale is committed.</extracomment>
        <translation>結帳</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="125"/>
        <source>Buyer&apos;s tax ID (optional)</source>
        <translation>買方統一編號（選填）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="126"/>
        <source>Order</source>
        <translation>訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="128"/>
        <source>Take away now</source>
        <translation>現場帶走</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="129"/>
        <source>Pick up later (paid now)</source>
        <translation>預訂自取（現在付款）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="130"/>
        <source>Delivery</source>
        <translation>宅配</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="131"/>
        <source>Pay on collection</source>
        <translation>取貨付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="135"/>
        <source>Customer</source>
        <translation>顧客</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="136"/>
        <source>Phone</source>
        <translation>電話</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="137"/>
        <source>Delivery address</source>
        <translation>宅配地址</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="138"/>
        <source>Requested date</source>
        <translation>指定日期</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="139"/>
        <source>Take order unpaid</source>
        <translation>先成立訂單（未付款）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="140"/>
        <source>Back to cart (Esc)</source>
        <translation>返回購物車 (Esc)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="141"/>
        <source>Complete sale (F9)</source>
        <translation>完成結帳 (F9)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="174"/>
        <source>Type the customer&apos;s name for this order.</source>
        <translation>請輸入這筆訂單的顧客姓名。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="178"/>
        <source>A delivery needs an address.</source>
        <translation>宅配訂單須填寫地址。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="195"/>
        <source>Payments were taken: complete the sale, or remove them to take it unpaid.</source>
        <translation>已收取款項：請完成結帳，或刪除款項後再以未付款方式成立訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="208"/>
        <source>A pay-on-collection order is paid when it is collected: take it unpaid.</source>
        <translation>取貨付款訂單於取貨時付款，請以未付款方式成立訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="217"/>
        <source>A buyer&apos;s tax ID has eight digits.</source>
        <translation>買方統一編號應為 8 位數字。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="249"/>
        <source>This kind of order cannot be taken this way: check how it is paid.</source>
        <translation>這種訂單無法以此方式成立，請確認付款方式。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/checkout.py" line="242"/>
        <source>Saving the sale…</source>
        <translation>正在儲存交易…</translation>
    </message>
</context>
<context>
    <name>CloseShiftDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="99"/>
        <source>Close shift: count the drawer</source>
        <translation>結班：清點錢櫃</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="101"/>
        <source>Count the cash in the drawer by notes and coins, then press Enter.</source>
        <translation>請依鈔票與硬幣清點錢櫃內的現金，然後按 Enter。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="114"/>
        <source>Supervisor approval…</source>
        <translation>主管核可…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="120"/>
        <source>Why the drawer is off</source>
        <translation>錢櫃差額的原因</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="121"/>
        <source>Note</source>
        <translation>說明</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="123"/>
        <source>Check count</source>
        <translation>核對點鈔</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="125"/>
        <source>Close shift</source>
        <translation>結班</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="180"/>
        <source>Closing with this difference</source>
        <translation>以此差額結班</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/dialogs.py" line="194"/>
        <source>Expected in the drawer: {amount}</source>
        <translation>錢櫃應有：{amount}</translation>
    </message>
</context>
<context>
    <name>Counter</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="42"/>
        <source>That quantity is too large: at most {limit} on one line.</source>
        <translation>數量過大：每個品項最多 {limit}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="46"/>
        <source>A discount cannot be more than the line is worth.</source>
        <translation>折扣不能超過該品項的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="50"/>
        <source>Type a number, for example 2 or 1.25.</source>
        <translation>請輸入數字，例如 2 或 1.25。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="53"/>
        <source>The quantity cannot be zero. To take the item off, remove the line.</source>
        <translation>數量不能為 0。若要拿掉這項商品，請刪除該品項。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="56"/>
        <source>The quantity cannot be negative. Returns are taken in After-sales.</source>
        <translation>數量不能為負數。退貨請至「售後服務」辦理。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="59"/>
        <source>That quantity is too large.</source>
        <translation>數量過大。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="60"/>
        <source>This product is sold by the piece: use a whole number.</source>
        <translation>這項商品以件計價，請輸入整數。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="63"/>
        <source>Use at most three decimals (grams).</source>
        <translation>最多只能輸入到小數點後三位（公克）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="66"/>
        <source>The cart is full. Take payment for these items and start a new cart.</source>
        <translation>購物車已滿。請先為這些商品結帳，再開新的購物車。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="69"/>
        <source>That line is no longer in the cart.</source>
        <translation>這個品項已不在購物車中。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="72"/>
        <source>That price is not possible for this product.</source>
        <translation>這項商品不能設定這個價格。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="75"/>
        <source>That discount is not possible.</source>
        <translation>無法套用這個折扣。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="78"/>
        <source>This coupon is already in the cart.</source>
        <translation>這張優惠券已在購物車中。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="81"/>
        <source>There is nothing to undo.</source>
        <translation>沒有可以復原的動作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="90"/>
        <source>No coupon has the code {code}.</source>
        <translation>找不到代碼為 {code} 的優惠券。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="93"/>
        <source>Coupon {code} has already been used.</source>
        <translation>優惠券 {code} 已使用過。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="96"/>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="117"/>
        <source>Coupon {code} has expired.</source>
        <translation>優惠券 {code} 已過期。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="97"/>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="120"/>
        <source>Coupon {code} is not valid yet.</source>
        <translation>優惠券 {code} 尚未生效。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="100"/>
        <source>Coupon {code} has been withdrawn.</source>
        <translation>優惠券 {code} 已停用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="103"/>
        <source>Coupon {code} belongs to another member.</source>
        <translation>優惠券 {code} 屬於其他會員。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="106"/>
        <source>Too many single-use coupons are waiting for the server; coupon {code} can be used once this till has synced.</source>
        <translation>等待送至伺服器的單次優惠券過多；本收銀台完成同步後，即可使用優惠券 {code}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="123"/>
        <source>Coupon {code} needs a larger purchase.</source>
        <translation>優惠券 {code} 未達最低消費金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="126"/>
        <source>Coupon {code} does not apply to these items.</source>
        <translation>優惠券 {code} 不適用於這些商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="129"/>
        <source>Coupon {code} was entered twice.</source>
        <translation>優惠券 {code} 重複輸入。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="132"/>
        <source>Coupon {code} is for another member level.</source>
        <translation>優惠券 {code} 限其他會員等級使用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="135"/>
        <source>Coupon {code} cannot be combined with a better offer already applied.</source>
        <translation>優惠券 {code} 無法與已套用的更優惠活動併用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="144"/>
        <source>Wrong user name or password.</source>
        <translation>使用者名稱或密碼錯誤。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="145"/>
        <source>This account is disabled.</source>
        <translation>這個帳號已停用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="146"/>
        <source>Only a supervisor or manager can approve this.</source>
        <translation>只有主任或經理可以核准此操作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="149"/>
        <source>This is beyond that manager&apos;s own limit.</source>
        <translation>已超出這位主管本身的核准權限。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="170"/>
        <source>{missing} is still to be paid.</source>
        <translation>尚需付款 {missing}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="175"/>
        <source>Not enough stock for {products}. Selling below zero stock is turned off on this workstation; lower the quantity or take the item off.</source>
        <translation>庫存不足：{products}。本收銀台已關閉負庫存銷售，請減少數量或移除商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="181"/>
        <source>The cart is empty.</source>
        <translation>購物車是空的。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="182"/>
        <source>The bill no longer adds up. Nothing was charged; please price the cart again.</source>
        <translation>帳單金額已不一致。尚未收取任何款項；請重新計算購物車金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="186"/>
        <source>Part of the total is still to be paid.</source>
        <translation>尚有部分金額未付清。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="189"/>
        <source>More was taken than the total; only cash can give change.</source>
        <translation>收取的金額超過應付金額；只有現金可以找零。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="192"/>
        <source>The cash handed over is less than the amount.</source>
        <translation>實收現金少於應收金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="195"/>
        <source>A coupon in this cart has just been used on another sale. Remove it and try again.</source>
        <translation>購物車中有一張優惠券剛在另一筆交易中被使用。請將它移除後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="199"/>
        <source>A coupon in this cart no longer exists.</source>
        <translation>購物車中有一張優惠券已不存在。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="202"/>
        <source>The member&apos;s store credit is not enough.</source>
        <translation>會員的儲值金餘額不足。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="205"/>
        <source>Store credit needs a member: attach the member first.</source>
        <translation>使用儲值金須有會員身分，請先帶入會員。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="208"/>
        <source>Type exactly the last four digits of the card.</source>
        <translation>請完整輸入卡號末四碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="211"/>
        <source>A quantity in the cart is not possible.</source>
        <translation>購物車中有品項的數量不正確。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="214"/>
        <source>Not enough stock for an item in the cart, and selling below zero stock is turned off on this workstation.</source>
        <translation>購物車中有商品庫存不足，且本收銀台已關閉負庫存銷售。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="241"/>
        <source>{name} (none left, {wanted} in the cart)</source>
        <translation>{name}（已無庫存，購物車內 {wanted}）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="244"/>
        <source>{name} (only {left} left, {wanted} in the cart)</source>
        <translation>{name}（僅剩 {left}，購物車內 {wanted}）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="257"/>
        <source>regular</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="258"/>
        <source>silver</source>
        <translation>銀卡</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="259"/>
        <source>gold</source>
        <translation>金卡</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="260"/>
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="267"/>
        <source>Alipay</source>
        <translation>支付寶</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="269"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="277"/>
        <source>{wallet} declined the payment.</source>
        <translation>{wallet} 拒絕了這筆付款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="282"/>
        <source>The provider said: {detail}</source>
        <translation>支付業者回覆：{detail}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="286"/>
        <source>The customer did not confirm the payment in time.</source>
        <translation>顧客未在時限內確認付款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="290"/>
        <source>The payment was cancelled.</source>
        <translation>付款已取消。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="292"/>
        <source>{wallet} payment received.</source>
        <translation>已收到 {wallet} 付款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="296"/>
        <source>Nothing was charged.</source>
        <translation>未收取任何款項。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="298"/>
        <source>Ask the customer to check their app before trying again.</source>
        <translation>請顧客先確認 App 中的付款狀態，再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="306"/>
        <source>No connection to the payment provider: Alipay and WeChat Pay cannot be used now. Take cash or card instead.</source>
        <translation>無法連線至支付業者，目前無法使用支付寶與微信支付。請改收現金或刷卡。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="311"/>
        <source>The payment provider answered with something we cannot trust. Nothing was recorded; ask the customer to check their app before trying again.</source>
        <translation>支付業者回傳的資料無法確認。系統未記錄任何款項；請顧客先確認 App 中的付款狀態，再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="316"/>
        <source>This mobile wallet is not set up on this workstation. Ask a manager to enter its merchant details in Settings.</source>
        <translation>這台收銀台尚未設定此行動支付。請經理在「設定」中輸入特約商店資料。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/wording.py" line="321"/>
        <source>The payment could not be confirmed or cancelled. Ask the customer to show the payment in their app, and call a manager.</source>
        <translation>無法確認或取消這筆付款。請顧客出示 App 中的付款紀錄，並聯絡主管。</translation>
    </message>
</context>
<context>
    <name>CouponDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="398"/>
        <source>Coupon</source>
        <translation>優惠券</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="400"/>
        <source>Type or scan the coupon code</source>
        <translation>輸入或掃描優惠券代碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="402"/>
        <source>Code</source>
        <translation>代碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="407"/>
        <source>Type or scan the coupon code.</source>
        <translation>請輸入或掃描優惠券代碼。</translation>
    </message>
</context>
<context>
    <name>DenominationCounter</name>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/count.py" line="67"/>
        <source>Counted: {amount}</source>
        <extracomment>More of one note or coin than any drawer holds (the service refuses more too). The counted total (minor units) after any change.</extracomment>
        <translation>清點合計：{amount}</translation>
    </message>
</context>
<context>
    <name>DiscountDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="153"/>
        <source>Line discount</source>
        <translation>單品折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="155"/>
        <source>Percent off</source>
        <translation>百分比折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="156"/>
        <source>Amount off</source>
        <translation>折抵金額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="162"/>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="184"/>
        <source>Type a percentage from 0 to 100.</source>
        <translation>請輸入 0 到 100 之間的百分比。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="190"/>
        <source>Type an amount, for example 50.</source>
        <translation>請輸入金額，例如 50。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="45"/>
        <source>The database file {path} is damaged or is not a Shop Desktop database. It was left untouched. Restore a backup, or move the file away to start fresh.</source>
        <translation>資料庫檔案 {path} 已損毀，或不是 Shop Desktop 的資料庫。檔案未被更動。請還原備份，或將檔案移走以重新開始。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="51"/>
        <source>The file {path} is a database, but not a Shop Desktop one. It was left untouched. Choose another file, or move this one away to start fresh.</source>
        <translation>檔案 {path} 是資料庫，但不是 Shop Desktop 的資料庫。檔案未被更動。請選擇其他檔案，或將此檔案移走以重新開始。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="57"/>
        <source>The database file {path} was written by a newer version of Shop Desktop. Update this app to open it. The file was left untouched.</source>
        <translation>資料庫檔案 {path} 是由較新版本的 Shop Desktop 寫入的。請更新本程式後再開啟。檔案未被更動。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="63"/>
        <source>The database file {path} cannot be read. Check that it is a file and that this user account may read it. The file was left untouched.</source>
        <translation>無法讀取資料庫檔案 {path}。請確認它是一個檔案，且目前的使用者帳號有讀取權限。檔案未被更動。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="69"/>
        <source>The database file {path} or its folder cannot be written. Check the permissions of the file and its folder, and that the disk is not read-only.</source>
        <translation>無法寫入資料庫檔案 {path} 或其所在資料夾。請檢查檔案與資料夾的權限，並確認磁碟不是唯讀的。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="75"/>
        <source>The disk holding {path} is full. Free some space, then try again. Nothing was saved half-way.</source>
        <translation>存放 {path} 的磁碟已滿。請釋出一些空間後再試一次。沒有任何資料只儲存了一半。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="81"/>
        <source>The database file {path} is in use by another program. Close other copies of Shop Desktop or programs using the file, then try again.</source>
        <translation>資料庫檔案 {path} 正被其他程式使用中。請關閉其他 Shop Desktop 視窗或使用該檔案的程式，然後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="87"/>
        <source>The database file {path} cannot be used.</source>
        <translation>無法使用資料庫檔案 {path}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="92"/>
        <source>Shop Desktop cannot use the database</source>
        <translation>Shop Desktop 無法使用資料庫</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="112"/>
        <source>Something went wrong. The error could not be written to a log file; “Show Details” describes it. Your data is safe: unfinished changes were not saved.</source>
        <translation>發生錯誤。錯誤無法寫入記錄檔；請按「顯示詳細資料」查看。您的資料是安全的：未完成的變更都沒有被儲存。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="117"/>
        <source>Something went wrong. The error was recorded in {log_file}. Your data is safe: unfinished changes were not saved.</source>
        <translation>發生錯誤。錯誤已記錄在 {log_file}。您的資料是安全的：未完成的變更都沒有被儲存。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/errors.py" line="220"/>
        <source>Shop Desktop</source>
        <extracomment>(message shown, traceback text) once a bug has been logged.</extracomment>
        <translation>Shop Desktop</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="184"/>
        <source>New shop database — Shop Desktop</source>
        <extracomment>What an enrolment can be refused with: the server&apos;s or the network&apos;s answer, not a bug. The cashier chose a demo shop (the start-up path builds it). The file was enrolled and holds the server&apos;s shop (its path). A refusal was shown (tests read it).</extracomment>
        <translation>新的商店資料庫 — Shop Desktop</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="185"/>
        <source>There is no shop database here yet</source>
        <translation>這裡還沒有商店資料庫</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="187"/>
        <source>{path} does not exist. What should it become?</source>
        <translation>{path} 不存在。要建立成什麼？</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="189"/>
        <source>Build a &amp;demo shop here</source>
        <translation>在這裡建立示範商店(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="192"/>
        <source>Products, members, staff and a month of sales to try things out; log in as cashier/cashier or manager/manager.</source>
        <translation>內含商品、會員、員工與一個月的銷售資料，可供試用；請以 cashier/cashier 或 manager/manager 登入。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="196"/>
        <source>Or enrol this workstation with the shop&apos;s server</source>
        <translation>或將這台工作站註冊到商店的伺服器</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="197"/>
        <source>&amp;Server address</source>
        <translation>伺服器位址(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="198"/>
        <source>Enrolment &amp;code</source>
        <translation>註冊碼(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="199"/>
        <source>&amp;Enrol and load the shop</source>
        <translation>註冊並載入商店(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="200"/>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="228"/>
        <source>Type the server&apos;s address starting with https:// (for example https://shop.example.com).</source>
        <translation>請輸入以 https:// 開頭的伺服器位址（例如 https://shop.example.com）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="236"/>
        <source>Type the enrolment code the office gave you.</source>
        <translation>請輸入總部提供的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="251"/>
        <source>Enrolling this workstation and loading the shop from the server…</source>
        <translation>正在註冊這台工作站並從伺服器載入商店資料…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="265"/>
        <source>Enrolment stopped and the new file was removed. If the server already took the code, ask the office for a new one.</source>
        <translation>註冊已停止，新的檔案已刪除。若伺服器已使用此註冊碼，請向總部索取新的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="282"/>
        <source>The enrolment code was not accepted: it is wrong, already used or expired. Ask the office for a new code.</source>
        <translation>註冊碼未被接受：可能輸入錯誤、已被使用或已過期。請向總部索取新的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="287"/>
        <source>The server at {url} could not be reached. Check the address and the network, then try again.</source>
        <translation>無法連線到位於 {url} 的伺服器。請檢查位址與網路後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="291"/>
        <source>The server needs a newer version of this app. Update it, then enrol.</source>
        <translation>伺服器需要較新版本的本程式。請先更新再註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="294"/>
        <source>The system keyring is not available, so this workstation&apos;s key cannot be kept. Unlock or install a keyring, then try again.</source>
        <translation>系統金鑰圈無法使用，無法保存這台工作站的金鑰。請解鎖或安裝金鑰圈後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/first_run.py" line="297"/>
        <source>The server refused this workstation. Ask the office for a new code.</source>
        <translation>伺服器拒絕了這台工作站。請向總部索取新的註冊碼。</translation>
    </message>
</context>
<context>
    <name>FulfilmentView</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="235"/>
        <source>Number</source>
        <extracomment>What a queue read brings back: the orders, and where each one goes. Emitted after the queue was read. Emitted with the sentence shown when a batch step was refused. Emitted after a batch step was written.</extracomment>
        <translation>訂單編號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="236"/>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="237"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="238"/>
        <source>Requested date</source>
        <translation>指定日期</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="239"/>
        <source>Customer</source>
        <translation>顧客</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="240"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="241"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="242"/>
        <source>Taken</source>
        <translation>成立時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="245"/>
        <source>Start picking</source>
        <translation>開始揀貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="246"/>
        <source>Picking list…</source>
        <translation>揀貨單…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="247"/>
        <source>Ship…</source>
        <translation>出貨…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="248"/>
        <source>Delivery notes…</source>
        <translation>出貨單…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="316"/>
        <source>unpaid</source>
        <translation>未付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="337"/>
        <source>Tick the orders first.</source>
        <translation>請先勾選訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="350"/>
        <source>Order {number}: {problem} Nothing in this batch was changed.</source>
        <translation>訂單 {number}：{problem} 這一批訂單都沒有變更。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="400"/>
        <source>%n order(s) are being picked.</source>
        <translation>
            <numerusform>%n 筆訂單揀貨中。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="424"/>
        <source>%n order(s) shipped.</source>
        <translation>
            <numerusform>已出貨 %n 筆訂單。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="411"/>
        <source>Order {number} is collected at the counter, not shipped.</source>
        <translation>訂單 {number} 是在櫃台取貨，不需出貨。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="435"/>
        <source>Printing is not set up on this workstation yet.</source>
        <translation>這台收銀台尚未設定列印。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="452"/>
        <source>Picking list</source>
        <translation>揀貨單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="463"/>
        <source>Delivery note {number}</source>
        <translation>出貨單 {number}</translation>
    </message>
</context>
<context>
    <name>IdleLockSetting</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="236"/>
        <source>Locking</source>
        <extracomment>Who may change how soon this till locks. The new idle time, in seconds.</extracomment>
        <translation>鎖定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="237"/>
        <source>Lock the till after (idle &amp;minutes)</source>
        <translation>閒置多久後鎖定收銀台（分鐘）(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="238"/>
        <source>Never</source>
        <translation>永不</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="241"/>
        <source>The cart stays; a password or PIN opens the till again (Ctrl+L locks it).</source>
        <translation>購物車會保留；輸入密碼或 PIN 碼即可解鎖（按 Ctrl+L 立即鎖定）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="244"/>
        <source>Only a manager can change this.</source>
        <translation>只有經理可以變更此設定。</translation>
    </message>
</context>
<context>
    <name>KeyboardHelp</name>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="68"/>
        <source>This list of keys</source>
        <extracomment>The translation context of the table&apos;s texts (``.ts`` files and the brief&apos;s TSV). The keys as printed on the keyboard, as the window and the README show them. What they do, in English (translated in :data:`CONTEXT` when shown). The shortcuts Qt binds for it (portable text); empty when a widget reads the key itself (Enter, Esc, Down, + and - on the cart).</extracomment>
        <translation>顯示此快速鍵清單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="72"/>
        <source>Back to the search box, its text selected (Ctrl+F works anywhere)</source>
        <translation>回到搜尋框並選取其中文字（Ctrl+F 在任何位置都有效）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="82"/>
        <source>In the search box: add the only result, or the highlighted one (with several, the first is highlighted and a second Enter adds it); a barcode typed by hand is looked up. In the suggestions or the results: add that product</source>
        <translation>在搜尋框：加入唯一的結果或反白的結果（有多筆時先反白第一筆，再按一次 Enter 即加入）；手動輸入的條碼會直接查詢。在建議清單或搜尋結果中：加入該商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="94"/>
        <source>From the search box: into the suggestions when they are open, else into the results</source>
        <translation>從搜尋框：建議清單開啟時移到建議清單，否則移到搜尋結果</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="105"/>
        <source>Close the suggestions; pressed again, clear the search. From the results: back to the search box</source>
        <translation>關閉建議清單；再按一次則清除搜尋。在搜尋結果中：回到搜尋框</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="115"/>
        <source>On the cart: one more, one less of the line</source>
        <translation>在購物車：該品項數量加一、減一</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="121"/>
        <source>Quantity of the line (a weight for weighed goods)</source>
        <translation>品項數量（秤重商品為重量）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="129"/>
        <source>Discount on the line (beyond your limit a manager approves it)</source>
        <translation>品項折扣（超過您的權限需主管核准）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="139"/>
        <source>Another price for the line (beyond your limit a manager approves it)</source>
        <translation>變更品項價格（超過您的權限需主管核准）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="148"/>
        <source>Note on the line</source>
        <translation>品項備註</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="151"/>
        <source>Remove the line</source>
        <translation>移除品項</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="155"/>
        <source>Undo the last change to the cart</source>
        <translation>復原購物車的上一個變更</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="161"/>
        <source>Attach a member (card, phone or name)</source>
        <translation>加入會員（會員卡、電話或姓名）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="165"/>
        <source>Add a coupon</source>
        <translation>加入優惠券</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="168"/>
        <source>Another cart, in a new tab</source>
        <translation>在新分頁開啟另一個購物車</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="174"/>
        <source>Park the cart (it survives a restart)</source>
        <translation>暫存購物車（重新啟動後仍保留）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="179"/>
        <source>Recall a parked cart</source>
        <translation>取回暫存的購物車</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="181"/>
        <source>Pay</source>
        <translation>結帳</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="185"/>
        <source>Go to a place: Sell, Orders, Members, After-sales, Reports, Catalog, Settings</source>
        <translation>前往畫面：銷售、訂單、會員、售後服務、報表、商品目錄、設定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="194"/>
        <source>Log out</source>
        <translation>登出</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="198"/>
        <source>Lock the till (the cart stays)</source>
        <translation>鎖定收銀機（購物車保留）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="202"/>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="203"/>
        <source>Cash</source>
        <translation>現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="204"/>
        <source>Card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="205"/>
        <source>Alipay</source>
        <translation>支付寶</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="206"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="209"/>
        <source>Store credit (a member&apos;s balance)</source>
        <translation>儲值金（會員餘額）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="216"/>
        <source>Take the amount typed (nothing typed: what is still to pay). Enter never completes the sale: the change is shown first</source>
        <translation>收下輸入的金額（未輸入時為尚需付款的金額）。Enter 不會完成交易：會先顯示找零</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="227"/>
        <source>Next field: approval code, last four digits, then the order&apos;s kind and the buyer&apos;s tax ID, which can be changed until the sale is completed</source>
        <translation>下一個欄位：授權碼、卡號末四碼，接著是訂單類型與買方統一編號，在完成交易前都可以修改</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="237"/>
        <source>On the payments taken: remove the selected one</source>
        <translation>在已收款項中：移除選取的款項</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="243"/>
        <source>Complete the sale, once nothing is left to pay</source>
        <translation>款項付清後，完成交易</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="250"/>
        <source>Back to the cart (wallet payments already taken are given back first)</source>
        <translation>返回購物車（已收取的行動支付款項會先退還）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="274"/>
        <source>At the counter</source>
        <translation>在櫃台</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="275"/>
        <source>In the payment window</source>
        <translation>在付款視窗</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="312"/>
        <source>Keyboard</source>
        <translation>鍵盤快速鍵</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="315"/>
        <source>Everything at the counter can be done from the keyboard. A barcode scanner works anywhere in the Sell place. Esc closes this window.</source>
        <translation>櫃台的每項操作都能以鍵盤完成。在「銷售」畫面的任何位置都可以使用條碼掃描器。按 Esc 關閉此視窗。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="319"/>
        <source>Key</source>
        <translation>按鍵</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/help.py" line="319"/>
        <source>What it does</source>
        <translation>功能</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../src/shop_desktop/ui/labels.py" line="13"/>
        <source>Cashier</source>
        <translation>收銀員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/labels.py" line="14"/>
        <source>Supervisor</source>
        <translation>主任</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/labels.py" line="15"/>
        <source>Manager</source>
        <translation>經理</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/labels.py" line="16"/>
        <source>Administrator</source>
        <translation>系統管理員</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="194"/>
        <source>Log in — Shop Desktop</source>
        <extracomment>The :class:`StaffSession` of whoever just logged in. The message shown for a refused or failed attempt. The branch and workstation were read (or found missing). Whether this is an untouched demo shop is known (see :attr:`demo_logins`). The session the till is locked over, when this is the lock screen. &quot;name / password&quot; of demo accounts, when this is an untouched demo shop. True once the workstation was read or found missing. Why the workstation cannot log anyone in, in the language of the moment. False once the database turned out not to be set up for a workstation.</extracomment>
        <translation>登入 — Shop Desktop</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="195"/>
        <location filename="../../src/shop_desktop/ui/login.py" line="199"/>
        <source>Log in</source>
        <translation>登入</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="196"/>
        <source>&amp;User name</source>
        <translation>使用者名稱(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="197"/>
        <source>&amp;Password or PIN</source>
        <translation>密碼或 PIN 碼(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="198"/>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="200"/>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="202"/>
        <source>Locked — Shop Desktop</source>
        <translation>已鎖定 — Shop Desktop</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="203"/>
        <source>The till is locked</source>
        <translation>收銀台已鎖定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="204"/>
        <source>Unlock</source>
        <translation>解鎖</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="207"/>
        <source>{name}&apos;s carts stay as they are. {name}: enter your password or PIN to go on. Another cashier: enter your own name; {name}&apos;s carts are then parked.</source>
        <translation>{name} 的購物車保持不變。{name}：輸入密碼或 PIN 碼即可繼續。其他收銀員：請輸入自己的使用者名稱，{name} 的購物車將自動掛單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="224"/>
        <source>Branch {branch} ({code}) · Workstation {workstation}</source>
        <translation>門市 {branch}（{code}）· 收銀台 {workstation}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="235"/>
        <source>Demo shop: log in as {logins}.</source>
        <translation>示範商店：可用以下帳號登入：{logins}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="304"/>
        <source>This database is not set up for a workstation yet. Ask an administrator to enrol this workstation.</source>
        <translation>這個資料庫尚未設定收銀台。請系統管理員為這台收銀台完成註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="313"/>
        <source>The workstation could not be read.</source>
        <translation>無法讀取收銀台資料。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="330"/>
        <source>Enter your user name and password.</source>
        <translation>請輸入使用者名稱與密碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="333"/>
        <source>Checking…</source>
        <translation>驗證中…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="368"/>
        <source>Not logged in. Try again.</source>
        <translation>尚未登入，請再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="379"/>
        <source>Too many wrong attempts: this account is locked until {time}. Try again then, or ask a manager.</source>
        <translation>錯誤次數過多：此帳號已鎖定至 {time}。請屆時再試，或請主管協助。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="383"/>
        <source>This account is disabled. Ask a manager to enable it.</source>
        <translation>這個帳號已停用。請經理為您啟用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="386"/>
        <source>This account belongs to another branch and cannot log in at this workstation.</source>
        <translation>這個帳號屬於其他門市，無法在這台收銀台登入。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/login.py" line="388"/>
        <source>The user name or password is not correct.</source>
        <translation>使用者名稱或密碼不正確。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="241"/>
        <source>Enrolled</source>
        <extracomment>In navigation order; the first is where a shift starts. Another cashier took over at the lock screen: their :class:`StaffSession`. The till locked over the session (the lock screen is up). The same person unlocked it. The key of the place now shown. Who takes over once this window has closed (a switch at the lock screen). Carts parked as this window closed, and the name they were parked under. The lock screen, while the till is locked. Background sync with the central server (a pass at a time, on workers).</extracomment>
        <translation>已註冊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="243"/>
        <source>The server&apos;s shop is ready in {path}. Log out now and continue there? Staff log in with the accounts the server knows.</source>
        <translation>伺服器的商店已在 {path} 準備就緒。要立即登出，並改用該商店繼續作業嗎？員工請以伺服器上的帳號登入。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="282"/>
        <source>Shop Desktop — {branch} · {workstation}</source>
        <translation>Shop Desktop — {branch} · {workstation}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="286"/>
        <source>&amp;Shop</source>
        <translation>商店(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="287"/>
        <source>&amp;Go</source>
        <translation>前往(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="288"/>
        <source>&amp;Log out</source>
        <translation>登出(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="289"/>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="290"/>
        <source>Loc&amp;k the till</source>
        <translation>鎖定收銀台(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="291"/>
        <source>Set my &amp;PIN…</source>
        <translation>設定我的 PIN 碼(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="292"/>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="293"/>
        <source>&amp;Keyboard</source>
        <translation>鍵盤快速鍵(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="300"/>
        <source>{place} ({keys})</source>
        <translation>{place}（{keys}）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="303"/>
        <source>{name} · {role}</source>
        <translation>{name} · {role}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="306"/>
        <source>Branch {code}</source>
        <translation>門市 {code}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="336"/>
        <source>Before updating, a copy of the database was saved as {path}.</source>
        <translation>更新前，資料庫已備份為 {path}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/main_window.py" line="407"/>
        <source>Carts left open were parked as &quot;{label}&quot; ({count}). After logging in, F11 finds them.</source>
        <extracomment>Where the keys went before the lock: they go there again after it.</extracomment>
        <translation>未結帳的購物車已掛單為「{label}」（{count} 筆）。登入後按 F11 即可取單。</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="358"/>
        <source>Member</source>
        <translation>會員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="358"/>
        <source>Card, phone or name</source>
        <translation>會員卡號、電話或姓名</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="376"/>
        <source>No member matches.</source>
        <translation>找不到符合的會員。</translation>
    </message>
</context>
<context>
    <name>MembersPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/members.py" line="18"/>
        <location filename="../../src/shop_desktop/ui/places/members.py" line="29"/>
        <source>Members</source>
        <translation>會員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/members.py" line="22"/>
        <source>Look up and register members, see their level and points, and apply their coupons.</source>
        <translation>查詢與註冊會員，查看會員等級與點數，並使用會員的優惠券。</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="131"/>
        <source>Line note</source>
        <translation>品項備註</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="134"/>
        <source>Note</source>
        <translation>備註</translation>
    </message>
</context>
<context>
    <name>OrderDetailView</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="243"/>
        <source>Take payment…</source>
        <extracomment>Emitted with the :class:`OrderView` each time the order is (re)read. Emitted with the refusal or failure sentence shown to the staff. Emitted after a step, payment or cancel was written.</extracomment>
        <translation>收款…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="244"/>
        <source>Cancel order…</source>
        <translation>取消訂單…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="245"/>
        <source>Print invoice</source>
        <translation>列印發票</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="246"/>
        <source>Save PDF</source>
        <translation>另存 PDF</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="247"/>
        <source>Reprint receipt (copy)</source>
        <translation>補印收據（副本）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="248"/>
        <source>Void invoice…</source>
        <translation>作廢發票…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="249"/>
        <source>Print credit note</source>
        <translation>列印折讓單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="311"/>
        <source>Pick an order in the list to see it here.</source>
        <translation>在清單中選擇一筆訂單，即可在此查看。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="345"/>
        <source>Order {number} · {kind} · {status} · {paid}</source>
        <translation>訂單 {number} · {kind} · {status} · {paid}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="341"/>
        <source>paid, invoice {invoice}</source>
        <translation>已付款，發票 {invoice}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="337"/>
        <source>refund owed</source>
        <translation>待退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="339"/>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="343"/>
        <source>not paid</source>
        <translation>未付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="361"/>
        <source>Taken {time} by {staff}</source>
        <translation>{time} 由 {staff} 成立</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="366"/>
        <source>Customer: {name}</source>
        <translation>顧客：{name}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="366"/>
        <source>walk-in</source>
        <translation>現場顧客</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="371"/>
        <source>Goods</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="372"/>
        <source>Payments</source>
        <translation>付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="373"/>
        <source>Not paid yet.</source>
        <translation>尚未付款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="374"/>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="375"/>
        <source>Delivery</source>
        <translation>宅配</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="376"/>
        <source>History</source>
        <translation>歷程</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="377"/>
        <source>Documents</source>
        <translation>單據</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="384"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="384"/>
        <source>Qty</source>
        <translation>數量</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="384"/>
        <source>Price</source>
        <translation>單價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="384"/>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="400"/>
        <source>Promotion: {name}</source>
        <translation>促銷活動：{name}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="408"/>
        <source>Subtotal</source>
        <translation>小計</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="409"/>
        <source>Discounts</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="410"/>
        <source>Delivery fee</source>
        <translation>運費</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="411"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="424"/>
        <source>change {change}</source>
        <translation>找零 {change}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="436"/>
        <source>{method} {amount} {status}: {reason}</source>
        <translation>{method} {amount} {status}：{reason}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="448"/>
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="449"/>
        <source>Phone</source>
        <translation>電話</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="450"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="452"/>
        <source>Wanted on</source>
        <translation>指定日期</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="455"/>
        <source>Carrier</source>
        <translation>物流業者</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="456"/>
        <source>Tracking number</source>
        <translation>追蹤編號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="457"/>
        <source>Shipped</source>
        <translation>出貨時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="458"/>
        <source>Delivered</source>
        <translation>送達時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="471"/>
        <source>Credit note {number}, voiding invoice {invoice}</source>
        <translation>折讓單 {number}，作廢發票 {invoice}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="480"/>
        <source>{action} → {status}, by {staff}</source>
        <translation>{action} → {status}，處理人員：{staff}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="486"/>
        <source>why: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="562"/>
        <source>Order {number} is now: {status}.</source>
        <translation>訂單 {number} 目前狀態：{status}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="573"/>
        <source>Cancel order {number}</source>
        <translation>取消訂單 {number}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="575"/>
        <source>Why is the order cancelled? The goods go back on the shelf and any payment is refunded.</source>
        <translation>為什麼要取消這筆訂單？商品將退回上架，已付款項將全數退款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="587"/>
        <source>Order {number} is cancelled.</source>
        <translation>訂單 {number} 已取消。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="597"/>
        <source>Void invoice {invoice}</source>
        <translation>作廢發票 {invoice}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="599"/>
        <source>Why is the invoice voided? The order is cancelled, the goods go back on the shelf, the payment is refunded and a credit note is issued.</source>
        <translation>為什麼作廢這張發票？訂單將取消，商品放回貨架，款項退還，並開立折讓單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="605"/>
        <source>Say why the invoice is voided.</source>
        <translation>請說明作廢發票的原因。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="612"/>
        <source>Voiding invoice {invoice}</source>
        <translation>作廢發票 {invoice}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="618"/>
        <source>Not approved: the invoice is unchanged.</source>
        <translation>未獲核准：發票維持不變。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="631"/>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="722"/>
        <source>Credit note {number}</source>
        <translation>折讓單 {number}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="632"/>
        <source>Invoice {invoice} is void. Print the credit note {number} now?</source>
        <translation>發票 {invoice} 已作廢。現在列印折讓單 {number} 嗎？</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="640"/>
        <source>Invoice {invoice} is void; order {number} is cancelled.</source>
        <translation>發票 {invoice} 已作廢；訂單 {number} 已取消。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="660"/>
        <source>Paid. Invoice {invoice}.</source>
        <translation>已付款。發票 {invoice}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="662"/>
        <source>Give {change} change.</source>
        <translation>請找零 {change}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="679"/>
        <source>Printing is not set up on this workstation yet.</source>
        <translation>這台收銀台尚未設定列印。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="734"/>
        <source>Reprinting the receipt of order {number}</source>
        <translation>補印訂單 {number} 的收據</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="739"/>
        <source>Not approved: nothing was printed.</source>
        <translation>未獲核准：未列印任何單據。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="465"/>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="699"/>
        <source>Invoice {number}</source>
        <translation>發票 {number}</translation>
    </message>
</context>
<context>
    <name>OrderFilters</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="123"/>
        <source>Any staff</source>
        <extracomment>Typing pauses this long before the list is searched again. Statuses offered in the filter, in the order an order meets them. Emitted with the new :class:`OrderFilter`.</extracomment>
        <translation>所有人員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="131"/>
        <source>Order number, customer or product</source>
        <translation>訂單編號、顧客或商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="132"/>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="133"/>
        <source>Until</source>
        <translation>迄</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="137"/>
        <source>Any status</source>
        <translation>所有狀態</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="140"/>
        <source>Any kind</source>
        <translation>所有類型</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/filters.py" line="143"/>
        <source>Any payment</source>
        <translation>所有付款狀態</translation>
    </message>
</context>
<context>
    <name>OrderListModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="193"/>
        <source>The orders could not be loaded.</source>
        <extracomment>Orders read per page: a screenful or three. The role under which every cell carries its order&apos;s id. A page (or the first page after a new filter) was added. Loading failed; the text is for the status line. The last op started, so tests and callers can wait on it.</extracomment>
        <translation>無法載入訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="244"/>
        <source>Number</source>
        <translation>訂單編號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="245"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="246"/>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="247"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="248"/>
        <source>Customer</source>
        <translation>顧客</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="249"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/models.py" line="250"/>
        <source>Payment</source>
        <translation>付款</translation>
    </message>
</context>
<context>
    <name>Orders</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="39"/>
        <source>Collected</source>
        <extracomment>What a step on an order can be refused with: :func:`refusal` words each of them. Kinds whose goods are handed over at the counter: DELIVERED means collected.</extracomment>
        <translation>已取貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="41"/>
        <source>Open</source>
        <translation>處理中</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="42"/>
        <source>Awaiting payment</source>
        <translation>待付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="43"/>
        <source>Awaiting fulfilment</source>
        <translation>待發貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="46"/>
        <source>Picking</source>
        <translation>揀貨中</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="47"/>
        <source>Shipped</source>
        <translation>已發貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="48"/>
        <source>Delivered</source>
        <translation>已送達</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="49"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="50"/>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="129"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="58"/>
        <source>Voided</source>
        <translation>作廢</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="65"/>
        <source>Refund owed</source>
        <translation>待退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="67"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="70"/>
        <source>Unpaid</source>
        <translation>未付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="83"/>
        <source>Take-away</source>
        <translation>現場帶走</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="84"/>
        <source>Pick-up</source>
        <translation>預訂自取</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="85"/>
        <source>Delivery</source>
        <translation>宅配</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="86"/>
        <source>Pay later</source>
        <translation>取貨付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="93"/>
        <source>Cash</source>
        <translation>現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="94"/>
        <source>Card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="95"/>
        <source>Alipay</source>
        <translation>支付寶</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="96"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="97"/>
        <source>Store credit</source>
        <translation>儲值金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="104"/>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="105"/>
        <source>owed to the customer</source>
        <translation>待退還顧客</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="111"/>
        <source>Mark collected</source>
        <translation>標記為已取貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="113"/>
        <source>Take payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="114"/>
        <source>Start picking</source>
        <translation>開始揀貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="115"/>
        <source>Ship…</source>
        <translation>出貨…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="116"/>
        <source>Mark delivered</source>
        <translation>標記為已送達</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="117"/>
        <source>Complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="118"/>
        <source>Cancel order…</source>
        <translation>取消訂單…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="126"/>
        <source>Order taken</source>
        <translation>成立訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="69"/>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="127"/>
        <source>Paid</source>
        <translation>已付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="128"/>
        <source>Moved on</source>
        <translation>進入下一步</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="130"/>
        <source>Invoice voided</source>
        <translation>發票已作廢</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="147"/>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="202"/>
        <source>This order is not in this workstation&apos;s records.</source>
        <translation>這台收銀台的紀錄中沒有這筆訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="150"/>
        <source>This order has no invoice yet: it is not paid.</source>
        <translation>這筆訂單尚未付款，還沒有發票。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="160"/>
        <source>Say why the order is cancelled.</source>
        <translation>請說明取消訂單的原因。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="161"/>
        <source>A shipment needs the carrier and the tracking number.</source>
        <translation>出貨須填寫物流業者與追蹤編號。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="168"/>
        <source>This order is already closed (completed or cancelled): nothing more happens to it.</source>
        <translation>這筆訂單已結案（已完成或已取消），無法再進行任何處理。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="172"/>
        <source>This kind of order never takes that step.</source>
        <translation>這種訂單沒有這個步驟。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="175"/>
        <source>That step is not the next one for this order. It may have just been moved on at another till; look at it again.</source>
        <translation>這個步驟不是這筆訂單的下一步。訂單可能剛在其他收銀台被處理，請重新查看。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="180"/>
        <source>The goods have left the shop: take them back as a return in After-sales.</source>
        <translation>商品已離開門市，請至「售後服務」以退貨方式辦理。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="183"/>
        <source>The order is not paid yet: take payment first.</source>
        <translation>這筆訂單尚未付款，請先收款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="186"/>
        <source>This kind of order cannot start that way.</source>
        <translation>這種訂單無法以此方式開始。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="189"/>
        <source>Some details the step needs are missing.</source>
        <translation>缺少這個步驟所需的部分資料。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="192"/>
        <source>Voiding an invoice needs a supervisor&apos;s or manager&apos;s approval. Nothing was changed.</source>
        <translation>作廢發票需要主管或店長核准。未做任何變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="205"/>
        <source>This order is already paid.</source>
        <translation>這筆訂單已付款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="208"/>
        <source>This order is closed (completed or cancelled): it takes no payment.</source>
        <translation>這筆訂單已結案（已完成或已取消），無法再收款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="211"/>
        <source>A delivery order needs an address to deliver to.</source>
        <translation>宅配訂單須填寫收件地址。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/wording.py" line="214"/>
        <source>This order has no invoice to void: it is not paid.</source>
        <translation>此訂單尚未付款，沒有可作廢的發票。</translation>
    </message>
</context>
<context>
    <name>OrdersPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="90"/>
        <source>Orders</source>
        <translation>訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="94"/>
        <source>Find any order, see its goods, payments and delivery, take payment for unpaid orders, and follow picking and shipping.</source>
        <translation>查詢任何訂單，查看商品、付款與配送資訊；為待付款訂單收款，並追蹤揀貨與出貨。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="101"/>
        <source>All orders</source>
        <translation>全部訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="102"/>
        <source>Fulfilment</source>
        <translation>出貨佇列</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="109"/>
        <source>The orders could not be loaded.</source>
        <translation>無法載入訂單。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="115"/>
        <source>%Ln order(s) shown, scroll for more</source>
        <translation>
            <numerusform>已顯示 %Ln 筆訂單，捲動以載入更多</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="117"/>
        <source>%Ln order(s)</source>
        <translation>
            <numerusform>共 %Ln 筆訂單</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="169"/>
        <source>Orders today</source>
        <translation>今日訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="169"/>
        <source>Orders in total</source>
        <translation>訂單總數</translation>
    </message>
</context>
<context>
    <name>PayOrderDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/pay.py" line="64"/>
        <source>Payment for order {number}</source>
        <extracomment>Emitted with the :class:`PaidOrder` once the payment is written.</extracomment>
        <translation>訂單 {number} 收款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/pay.py" line="84"/>
        <source>Recording the payment…</source>
        <translation>正在記錄付款…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/pay.py" line="65"/>
        <source>Back (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/pay.py" line="66"/>
        <source>Record payment (F9)</source>
        <translation>記錄付款 (F9)</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="142"/>
        <source>My PIN</source>
        <extracomment>What counts as someone at the till: a key, a click, a touch, the wheel. The PIN was stored (tests wait on it).</extracomment>
        <translation>我的 PIN 碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="145"/>
        <source>A PIN of 4 to 6 digits lets you sign in quickly at this till and unlock it. Your password still works.</source>
        <translation>設定 4 至 6 位數的 PIN 碼，即可在這台收銀台快速登入及解鎖。密碼仍可照常使用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="149"/>
        <source>&amp;New PIN</source>
        <translation>新 PIN 碼(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="150"/>
        <source>&amp;Again</source>
        <translation>再輸入一次(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="168"/>
        <source>That PIN is too easy to guess (one digit repeated, or a run like 1234). Choose another.</source>
        <translation>這組 PIN 碼太容易猜到（同一數字重複，或像 1234 的連號）。請換一組。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="172"/>
        <source>Log in with your password to set a PIN.</source>
        <translation>請先以密碼登入，再設定 PIN 碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="173"/>
        <source>A PIN is 4 to 6 digits.</source>
        <translation>PIN 碼為 4 至 6 位數字。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sign_in.py" line="178"/>
        <source>The two PINs differ. Type the same PIN twice.</source>
        <translation>兩次輸入的 PIN 碼不同，請輸入相同的 PIN 碼兩次。</translation>
    </message>
</context>
<context>
    <name>Place</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/base.py" line="149"/>
        <source>This part is not available yet in this version.</source>
        <extracomment>Stable name used by code and tests (&quot;sell&quot;, &quot;orders&quot;, ...). Data areas (see :mod:`shop_desktop.ui.context`) whose change makes it reload. Where the body needs every pixel (the counter): the title block is one line (:attr:`header_slot`: the title, then the facts), the description its tooltip.</extracomment>
        <translation>此版本尚未提供這項功能。</translation>
    </message>
</context>
<context>
    <name>PriceDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="206"/>
        <source>Change price</source>
        <translation>變更價格</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="209"/>
        <source>Catalog price</source>
        <translation>定價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="214"/>
        <source>Empty: catalog price</source>
        <translation>留空：使用定價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="215"/>
        <source>New price</source>
        <translation>新價格</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="226"/>
        <source>Type a price, for example 120.</source>
        <translation>請輸入價格，例如 120。</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="84"/>
        <source>This sale has no invoice number, so there is no invoice to print.</source>
        <extracomment>The columns of the thermal roll (80 mm, the printer&apos;s standard font). PDFs handed to the spooler are kept this long: on Windows the PDF viewer reads the file after we return, so it cannot be removed at once. What printing can fail with that is the printer&apos;s, the file&apos;s or the sale&apos;s, not a bug.</extracomment>
        <translation>這筆交易沒有發票號碼，沒有發票可列印。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="87"/>
        <source>This sale cannot be found in this till&apos;s database. Nothing was printed.</source>
        <translation>本收銀台的資料庫找不到這筆交易，未列印任何文件。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="93"/>
        <source>The PDF could not be saved: {path} cannot be written. Choose another folder.</source>
        <translation>無法儲存 PDF：{path} 無法寫入，請選擇其他資料夾。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="98"/>
        <source>The PDF could not be saved: the disk holding {path} is full.</source>
        <translation>無法儲存 PDF：{path} 所在的磁碟已滿。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="102"/>
        <source>The PDF could not be saved to {path}. Choose another folder.</source>
        <translation>無法將 PDF 儲存到 {path}，請選擇其他資料夾。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="113"/>
        <location filename="../../src/shop_desktop/ui/printing.py" line="231"/>
        <source>the default printer</source>
        <translation>預設印表機</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="116"/>
        <source>The printer {printer} cannot be found. Check its name or address in Settings.</source>
        <translation>找不到印表機 {printer}，請在設定中檢查名稱或位址。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="121"/>
        <source>The printer {printer} does not answer. Check that it is switched on and connected.</source>
        <translation>印表機 {printer} 沒有回應，請確認電源已開啟且已連線。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="126"/>
        <source>The printer {printer} refused the document. Check that it is ready to accept jobs.</source>
        <translation>印表機 {printer} 拒絕了這份文件，請確認它可以接受列印工作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="131"/>
        <source>The printer {printer} did not take the document in time. Check its paper and that it is not jammed.</source>
        <translation>印表機 {printer} 未能及時接收文件，請檢查紙張及是否卡紙。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="137"/>
        <source>This computer has no printing system to send the document to.</source>
        <translation>這台電腦沒有可送出文件的列印系統。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="140"/>
        <source>The sale is saved. Print again, or save the document as PDF.</source>
        <translation>交易已儲存。請再列印一次，或將文件另存為 PDF。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="181"/>
        <source>Print {title}</source>
        <extracomment>A short translated notice: &quot;Sent to &lt;printer&gt;.&quot; A short translated notice: &quot;Saved as &lt;path&gt;.&quot; A translated sentence: what went wrong and that the sale is safe. The same failure as a :class:`PrintFailure`, with its actions, for a banner.</extracomment>
        <translation>列印{title}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="193"/>
        <source>Save as PDF</source>
        <translation>另存為 PDF</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="195"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="241"/>
        <location filename="../../src/shop_desktop/ui/printing.py" line="280"/>
        <source>Sent to {printer}.</source>
        <translation>已送至 {printer}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="266"/>
        <location filename="../../src/shop_desktop/ui/printing.py" line="285"/>
        <source>Receipt</source>
        <translation>收據</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="307"/>
        <source>The drawer is open.</source>
        <translation>錢櫃已開啟。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="322"/>
        <source>Saved as {path}.</source>
        <translation>已儲存為 {path}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/printing.py" line="357"/>
        <source>The document could not be printed. The sale is saved.</source>
        <translation>文件無法列印，交易已儲存。</translation>
    </message>
</context>
<context>
    <name>ProductDetailPane</name>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="197"/>
        <source>Brand</source>
        <extracomment>The product now shown (after its details arrived), or None. &quot;Often bought together&quot;, shown under the details.</extracomment>
        <translation>品牌</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="198"/>
        <source>Category</source>
        <translation>分類</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="199"/>
        <source>Price</source>
        <translation>售價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="200"/>
        <source>Member price</source>
        <translation>會員價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="201"/>
        <source>Stock here</source>
        <translation>本店庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="202"/>
        <source>SKU</source>
        <translation>貨號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="203"/>
        <source>Barcodes</source>
        <translation>條碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="207"/>
        <source>Stock at branches</source>
        <translation>各分店庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="208"/>
        <source>Specifications</source>
        <translation>規格</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="209"/>
        <source>Often bought together</source>
        <translation>經常一起購買</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="210"/>
        <source>Branch</source>
        <translation>分店</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="210"/>
        <source>On hand</source>
        <translation>庫存量</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="211"/>
        <source>Property</source>
        <translation>項目</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="211"/>
        <source>Value</source>
        <translation>內容</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="212"/>
        <source>Pick a product to see its details.</source>
        <translation>選擇一項商品以查看詳細資料。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="285"/>
        <source>{branch} (here)</source>
        <translation>{branch}（本店）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/detail.py" line="301"/>
        <source>No picture</source>
        <translation>沒有圖片</translation>
    </message>
</context>
<context>
    <name>ProductListModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="376"/>
        <source>The products could not be loaded.</source>
        <extracomment>Search pages are cheap (the index is read in popularity order); browse pages a little bigger because a shelf is usually scrolled. Rows kept across queries; beyond this the cache starts afresh, so a day of searching a million-product catalog does not grow without end. What a cell shows until its row has been read. The role under which every cell carries its product&apos;s id. The name cell&apos;s second, smaller line: what tells products of the same name apart (brand and SKU; a big catalog has the same name many times). Thumbnails are kept at this size (pixels) and drawn smaller by the view. Colours of the tile shown for a product without a picture, chosen by brand. False when search took the slower path (the index is being built). A page (or the first page of a new query) was added. Loading failed; the text is for the status line. The last op started, so tests and callers can wait on it. The last picture load started (tests wait on it).</extracomment>
        <translation>無法載入商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="533"/>
        <source>Name</source>
        <translation>品名</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="534"/>
        <source>Brand</source>
        <translation>品牌</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="535"/>
        <source>Price</source>
        <translation>售價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="536"/>
        <source>Stock here</source>
        <translation>本店庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/models.py" line="537"/>
        <source>SKU</source>
        <translation>貨號</translation>
    </message>
</context>
<context>
    <name>ProgressWindow</name>
    <message>
        <location filename="../../src/shop_desktop/ui/tasks.py" line="286"/>
        <location filename="../../src/shop_desktop/ui/tasks.py" line="321"/>
        <source>Please wait</source>
        <extracomment>What ``job.session`` is: screens that pass a session-taking service function around type it with this, never by importing SQLAlchemy. A progress window appears only for work that takes longer than this, so quick queries do not flash a dialog.</extracomment>
        <translation>請稍候</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/tasks.py" line="301"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/tasks.py" line="322"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>QuantityDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="99"/>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="108"/>
        <source>Quantity</source>
        <translation>數量</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="106"/>
        <source>Weight ({unit})</source>
        <translation>重量（{unit}）</translation>
    </message>
</context>
<context>
    <name>RecallDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="428"/>
        <source>Recall a parked cart</source>
        <translation>取單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="428"/>
        <source>Filter</source>
        <translation>篩選</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="442"/>
        <source>No carts are parked at this branch.</source>
        <translation>本門市目前沒有掛單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/dialogs.py" line="450"/>
        <source>{when}  {label}  {lines} item(s)  {total}  ({staff}, {station})</source>
        <translation>{when}  {label}  {lines} 項  {total}  （{staff}，{station}）</translation>
    </message>
</context>
<context>
    <name>Register</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="390"/>
        <source>Quantity</source>
        <extracomment>A problem the cashier must see (shown loud by the Sell place). Good news worth a glance: change to give, a cart parked. After any change of any cart (tests wait on it). A sale was committed. The open carts were written to disk (tests wait on it). The carts left open at the last log-out or crash are back in their tabs. Wallet charges left by an earlier run were looked at: the RecoveryReport. The carts left open at leaving were parked (and the sign-out audited). The last sale&apos;s change, over the next cart until the next customer starts. Receipts print by themselves after each paid sale; a printer problem is shown and never touches the sale: the Sell place&apos;s banner offers to print again or save it as PDF (``printer.print_failed``). Saving starts once the carts of the last session are back, never before. Carts this cashier parked (at a log-out, say) still waiting at the branch. The name the carts parked at leaving got (&quot;王小明 14:32&quot;), once parked. True while wallet charges of an earlier run are being settled: no payment meanwhile.</extracomment>
        <translation>數量</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="391"/>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="392"/>
        <source>Price</source>
        <translation>改價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="393"/>
        <source>Note</source>
        <translation>備註</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="394"/>
        <source>Remove</source>
        <translation>刪除</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="395"/>
        <source>Undo</source>
        <translation>復原</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="396"/>
        <source>Member</source>
        <translation>會員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="397"/>
        <source>Coupon</source>
        <translation>優惠券</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="398"/>
        <source>New cart</source>
        <translation>新購物車</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="399"/>
        <source>Park</source>
        <translation>掛單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="400"/>
        <source>Recall</source>
        <translation>取單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="401"/>
        <source>Pay</source>
        <translation>結帳</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="457"/>
        <source>Park this cart (F10) or take payment before closing it.</source>
        <translation>關閉前請先掛單 (F10) 或完成結帳。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="470"/>
        <source>Cart {label}</source>
        <translation>購物車 {label}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="505"/>
        <source>Taken now (no delivery)</source>
        <translation>現場帶走（不宅配）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="511"/>
        <source>Delivery</source>
        <translation>宅配</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="512"/>
        <source>Zone</source>
        <translation>地區</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="543"/>
        <source>There is no delivery to zone {zone}. Choose another zone or rule.</source>
        <translation>地區 {zone} 不提供宅配。請改選其他地區或宅配方式。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="598"/>
        <source>This product is no longer sold.</source>
        <translation>這項商品已停售。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="649"/>
        <source>Not in stock here: {name} ({on_hand} on hand).</source>
        <translation>此分店無庫存：{name}（現有 {on_hand}）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="651"/>
        <source>Only {on_hand} of {name} in stock here.</source>
        <translation>{name} 此分店僅剩 {on_hand}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="653"/>
        <source>You can still sell it; the stock count goes below zero.</source>
        <translation>仍可銷售，庫存將變為負數。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="656"/>
        <source>This till does not sell below zero stock: payment will be refused for more than that.</source>
        <translation>本收銀機不允許負庫存銷售：超過庫存的數量在結帳時會被拒絕。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="666"/>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="923"/>
        <source>The cart is empty.</source>
        <translation>購物車是空的。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="709"/>
        <source>Not approved: the cart is unchanged.</source>
        <translation>未獲核准，購物車沒有變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="718"/>
        <source>Opening the drawer without a sale</source>
        <translation>無交易開啟錢櫃</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="722"/>
        <source>Not approved: the drawer stays shut.</source>
        <translation>未獲核准：錢櫃維持關閉。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="730"/>
        <source>No thermal printer is set up here, so there is no cash drawer to open.</source>
        <translation>此收銀機未設定感熱印表機，沒有可開啟的錢櫃。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="746"/>
        <source>A {depth}% discount on {name}</source>
        <translation>{name} 折扣 {depth}%</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="769"/>
        <source>Selling {name} at {price}</source>
        <translation>{name} 改價為 {price}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="801"/>
        <source>This coupon is already in the cart.</source>
        <translation>這張優惠券已在購物車中。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="815"/>
        <source>Coupon {code} cannot be read. Ask a manager.</source>
        <translation>無法讀取優惠券 {code}，請洽主管。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="837"/>
        <source>The cart is empty: there is nothing to park.</source>
        <translation>購物車是空的，沒有可以掛單的商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="869"/>
        <source>Cart parked: recall it with F11 at any till of this branch.</source>
        <translation>已掛單：可在本門市任一收銀台按 F11 取單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="904"/>
        <source>That cart was already recalled at another till.</source>
        <translation>這筆掛單已在其他收銀台取單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="926"/>
        <source>Promotions are still loading; try again in a moment.</source>
        <translation>促銷活動仍在載入中，請稍後再試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="931"/>
        <source>A wallet payment interrupted when the till last stopped is being checked; try again in a moment.</source>
        <translation>正在確認上次關機時中斷的行動支付，請稍候再試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="974"/>
        <source>Order {number} taken; it is paid later (Orders, F3).</source>
        <translation>訂單 {number} 已成立，稍後付款（訂單，F3）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="980"/>
        <source>Sale {number} done. Change: {change}</source>
        <translation>交易 {number} 完成。找零：{change}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="985"/>
        <source>Sale {number} done.</source>
        <translation>交易 {number} 完成。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="1064"/>
        <source>Carts you parked are waiting: {count}. Recall them with F11.</source>
        <translation>您掛單的購物車尚有 {count} 筆待取，按 F11 取單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="1102"/>
        <source>Wallet payments taken when the till last stopped, without a sale, were given back to the customers: {trades}.</source>
        <translation>上次關機時已收款但未成交的行動支付已退還給顧客：{trades}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/register.py" line="1114"/>
        <source>Wallet payments interrupted when the till last stopped could not be checked with the wallet provider yet: {trades}. The till keeps trying; if this stays, a manager should check them with the provider.</source>
        <translation>上次關機時中斷的行動支付尚無法向支付業者確認：{trades}。收銀機會持續重試；若一直如此，請店長向支付業者查詢。</translation>
    </message>
</context>
<context>
    <name>RejectedOpsModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="239"/>
        <source>Made at</source>
        <translation>建立時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="240"/>
        <source>Operation</source>
        <translation>操作類型</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="241"/>
        <source>No.</source>
        <translation>序號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="242"/>
        <source>What</source>
        <translation>內容</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="243"/>
        <source>Why the server refused it</source>
        <translation>伺服器拒絕的原因</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="264"/>
        <source>Server says: {message}</source>
        <translation>伺服器回覆：{message}</translation>
    </message>
</context>
<context>
    <name>ReportsPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/reports.py" line="30"/>
        <source>Reports</source>
        <extracomment>The till&apos;s shift: float, cash in and out, X and Z reports (issue 13).</extracomment>
        <translation>報表</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/reports.py" line="34"/>
        <source>Sales, best and slow sellers, stock and customer behaviour, shown as charts and tables; shift X and Z reports.</source>
        <translation>銷售、暢銷與滯銷商品、庫存與顧客行為的圖表與表格；班別 X 帳與 Z 帳報表。</translation>
    </message>
</context>
<context>
    <name>Rights</name>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="33"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="34"/>
        <source>Void an invoice</source>
        <translation>作廢發票</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="35"/>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="36"/>
        <source>Change a price</source>
        <translation>改價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="37"/>
        <source>Reprint a receipt</source>
        <translation>補印收據</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="38"/>
        <source>Open the drawer without a sale</source>
        <translation>無交易開錢櫃</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="41"/>
        <source>Cash in</source>
        <translation>存入現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="42"/>
        <source>Cash out</source>
        <translation>提出現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="43"/>
        <source>Open a shift</source>
        <translation>開班</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="44"/>
        <source>Close a shift</source>
        <translation>交班結帳</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="45"/>
        <source>See the expected cash</source>
        <translation>查看應有現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="46"/>
        <source>View reports</source>
        <translation>查看報表</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="47"/>
        <source>Edit the catalog</source>
        <translation>編輯商品資料</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="48"/>
        <source>Edit prices</source>
        <translation>修改售價</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="49"/>
        <source>Edit stock</source>
        <translation>調整庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="50"/>
        <source>Edit members</source>
        <translation>編輯會員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="51"/>
        <source>Edit staff</source>
        <translation>管理員工</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="52"/>
        <source>Change settings</source>
        <translation>變更設定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="53"/>
        <source>See what sync flagged</source>
        <translation>查看同步標記的問題</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="62"/>
        <source>This account is disabled.</source>
        <translation>此帳號已停用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="64"/>
        <source>The approver may not approve this ({what}).</source>
        <translation>核准人無權核准此項目（{what}）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="68"/>
        <source>{what} is beyond your rights: a supervisor or manager must approve it.</source>
        <translation>{what}超出您的權限：須由主管或店經理核准。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/rights.py" line="71"/>
        <source>Your role may not do this ({what}).</source>
        <translation>您的職務無權執行此項目（{what}）。</translation>
    </message>
</context>
<context>
    <name>ScanProblem</name>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/scanner.py" line="144"/>
        <source>No product has barcode {code}.</source>
        <extracomment>Scanners send a key every few milliseconds; people rarely beat 80 ms. EAN-8 is the shortest code a till meets. The digits of a recognised scan.</extracomment>
        <translation>沒有商品使用條碼 {code}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/scanner.py" line="149"/>
        <source>Barcode {code} has a wrong check digit — scan again.</source>
        <translation>條碼 {code} 的檢查碼不正確，請重新掃描。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/scanner.py" line="153"/>
        <source>Barcode {code} has the wrong number of digits — scan again.</source>
        <translation>條碼 {code} 的位數不正確，請重新掃描。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/scanner.py" line="157"/>
        <source>The scan was empty — scan again.</source>
        <translation>沒有讀到條碼，請重新掃描。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/catalog/scanner.py" line="158"/>
        <source>Barcode {code} is not made of digits — scan again.</source>
        <translation>條碼 {code} 含有非數字字元，請重新掃描。</translation>
    </message>
</context>
<context>
    <name>SearchIndexProgress</name>
    <message>
        <location filename="../../src/shop_desktop/ui/search_progress.py" line="44"/>
        <source>Building the search index</source>
        <extracomment>Steps of the bar (tenths of a per cent are more than anyone can see).</extracomment>
        <translation>正在建立搜尋索引</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/search_progress.py" line="47"/>
        <source>Until the index is built, search may miss products and knows no pinyin. Scanning and selling are not affected.</source>
        <translation>索引建立完成前，搜尋可能找不到部分商品，也無法用拼音搜尋。掃碼與銷售不受影響。</translation>
    </message>
</context>
<context>
    <name>SecretDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="66"/>
        <source>Paste the key here</source>
        <extracomment>The settings of each wallet, in the order shown; labels are set in retranslate().</extracomment>
        <translation>請在此貼上金鑰</translation>
    </message>
</context>
<context>
    <name>SellPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="124"/>
        <source>Sell</source>
        <extracomment>A scan problem stays up long enough to be read from arm&apos;s length. Sync problems a person must act on get a banner at the counter; the network&apos;s own troubles (offline, server busy) do not: selling goes on and sync retries. What a lasting banner is about, so it goes by itself once that is solved. A problem with something to do about it (a receipt not printed): it stays until the cashier acts or closes it, and comes back after a passing one. The cart on screen when the notice came, and whether it had lines then. The sync problem code last told, and the refused operations counted then.</extracomment>
        <translation>銷售</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="128"/>
        <source>Scan or search products, build the customer&apos;s cart, and take payment in cash, by card or by mobile wallet.</source>
        <translation>掃描或搜尋商品，建立顧客的購物車，並以現金、信用卡或行動支付收款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="144"/>
        <source>Orders today at this workstation</source>
        <translation>本收銀台今日訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="175"/>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="205"/>
        <source>Close this message</source>
        <translation>關閉此訊息</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="232"/>
        <source>P&amp;rint again</source>
        <translation>重新列印(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="234"/>
        <source>Save as P&amp;DF</source>
        <translation>另存為 PDF(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="271"/>
        <source>Open sync &amp;log</source>
        <translation>開啟同步記錄(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/sell.py" line="274"/>
        <source>{problem} Ask a manager to open the sync log.</source>
        <translation>{problem}請經理開啟同步記錄。</translation>
    </message>
</context>
<context>
    <name>ServerSettings</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="254"/>
        <source>Server</source>
        <extracomment>A :class:`ServerState` after it was read (tests wait on it). After a successful enrolment. A first enrolment made the shop&apos;s own database file (its path): the app moves to it at the next log-out. A failure sentence shown to the manager (tests read it).</extracomment>
        <translation>伺服器</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="255"/>
        <source>Server &amp;address</source>
        <translation>伺服器位址(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="256"/>
        <source>Check the server&apos;s certificate (TLS)</source>
        <translation>檢查伺服器憑證（TLS）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="257"/>
        <source>CA file (own certificate authority)</source>
        <translation>CA 檔案（自有憑證授權單位）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="258"/>
        <source>Empty: the system&apos;s certificate authorities</source>
        <translation>留空：使用系統的憑證授權單位</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="259"/>
        <source>Choose…</source>
        <translation>選擇…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="260"/>
        <source>Save server settings</source>
        <translation>儲存伺服器設定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="261"/>
        <source>Enrolment &amp;code</source>
        <translation>註冊碼(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="262"/>
        <source>Enrol</source>
        <translation>註冊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="263"/>
        <source>Sync log…</source>
        <translation>同步記錄…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="264"/>
        <source>Only a manager can change the server settings.</source>
        <translation>只有經理可以變更伺服器設定。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="266"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="267"/>
        <source>Device ID</source>
        <translation>裝置識別碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="268"/>
        <source>Branch</source>
        <translation>門市</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="269"/>
        <source>Workstation</source>
        <translation>收銀台</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="270"/>
        <source>Invoice series</source>
        <translation>發票字軌</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="297"/>
        <source>(not enrolled)</source>
        <translation>（尚未註冊）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="312"/>
        <source>Enrolled</source>
        <translation>已註冊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="312"/>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="317"/>
        <source>Not connected to a server</source>
        <translation>未連接伺服器</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="318"/>
        <source>Online</source>
        <translation>連線中</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="318"/>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="320"/>
        <source>Offline</source>
        <translation>離線</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="319"/>
        <source>Syncing…</source>
        <translation>同步中…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="322"/>
        <source>This workstation&apos;s access was revoked. Enrol it again with a new code.</source>
        <translation>這台收銀台的存取權已被撤銷。請使用新的註冊碼重新註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="325"/>
        <source>This database was copied from another workstation. Enrol it again with a new code; nothing waiting is lost.</source>
        <translation>這個資料庫是從其他收銀台複製而來。請使用新的註冊碼重新註冊；等待傳送的資料都不會遺失。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="328"/>
        <source>Update the app to receive catalog changes.</source>
        <translation>請更新本程式，才能接收商品目錄的變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="330"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="343"/>
        <source>Type the server&apos;s address starting with https:// (for example https://shop.example.com).</source>
        <translation>請輸入以 https:// 開頭的伺服器位址（例如 https://shop.example.com）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="370"/>
        <source>Server settings saved.</source>
        <translation>伺服器設定已儲存。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="387"/>
        <source>Choose the CA file</source>
        <translation>選擇 CA 檔案</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="389"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>憑證 (*.pem *.crt *.cer);;所有檔案 (*)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="405"/>
        <source>Type the enrolment code the office gave you.</source>
        <translation>請輸入總公司提供的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="450"/>
        <source>Enrolling this workstation and loading the catalog from the server…</source>
        <translation>正在註冊這台收銀台，並從伺服器載入商品目錄…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="463"/>
        <source>This workstation is enrolled and the server&apos;s shop is in a new database: {path}. Log out to start working on it (staff log in with the server&apos;s accounts); the demo shop is kept as it was.</source>
        <translation>這台收銀台已完成註冊，伺服器的商店已存放在新的資料庫：{path}。請登出後開始使用（員工請以伺服器上的帳號登入）；示範商店會保持原樣。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="473"/>
        <source>This workstation is enrolled and has the server&apos;s catalog.</source>
        <translation>這台收銀台已完成註冊，並已取得伺服器的商品目錄。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="496"/>
        <source>Loading the catalog was stopped. This workstation is enrolled; the catalog is loaded by the next sync.</source>
        <translation>商品目錄載入已中斷。這台收銀台已完成註冊；商品目錄將在下次同步時載入。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="512"/>
        <source>The enrolment code was not accepted: it is wrong, already used or expired. Ask the office for a new code.</source>
        <translation>註冊碼未被接受：註冊碼錯誤、已使用過或已過期。請向總公司索取新的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="520"/>
        <source>The server needs a newer version of this app. Update it, then enrol.</source>
        <translation>伺服器需要較新版本的本程式。請先更新，再進行註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="522"/>
        <source>The server refused this workstation. Ask the office for a new code.</source>
        <translation>伺服器拒絕了這台收銀台。請向總公司索取新的註冊碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="525"/>
        <source>The system keyring cannot be used, so this workstation&apos;s key cannot be kept. Unlock or set up the keyring, then enrol again.</source>
        <translation>無法使用系統鑰匙圈，因此無法保存這台收銀台的金鑰。請解鎖或設定鑰匙圈後，再重新註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="529"/>
        <source>The server refused the enrolment. The details were written to the sync log.</source>
        <translation>伺服器拒絕了註冊。詳細資料已寫入同步記錄。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="536"/>
        <source>The server&apos;s certificate could not be verified, so nothing was sent. Check the address, or choose the CA file of your own certificate authority.</source>
        <translation>無法驗證伺服器的憑證，因此未傳送任何資料。請檢查位址，或選擇自有憑證授權單位的 CA 檔案。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="543"/>
        <source>The server is having trouble right now and did not enrol this workstation. Try again in a few minutes.</source>
        <translation>伺服器目前發生問題，未能註冊這台收銀台。請過幾分鐘再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="547"/>
        <source>The server cannot be reached at {url}. Check the address and the network, then try again.</source>
        <translation>無法連線到位於 {url} 的伺服器。請檢查位址與網路，然後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="553"/>
        <source>Something answered at this address, but not like a Shop Desktop server. Check the address.</source>
        <translation>這個位址有回應，但不像是 Shop Desktop 伺服器。請檢查位址。</translation>
    </message>
</context>
<context>
    <name>SettingsPlace</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="217"/>
        <source>Settings</source>
        <extracomment>Settings → Staff, for administrators only (the service and the server check again).</extracomment>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="221"/>
        <source>The language of the screens, whether this workstation sells below zero stock, the mobile wallets&apos; merchant details, the central server this workstation syncs with, and where it keeps its data.</source>
        <translation>畫面語言、這台收銀台是否允許負庫存銷售、行動支付的特約商店資料、這台收銀台同步的中央伺服器，以及資料的存放位置。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="228"/>
        <source>Appearance</source>
        <translation>外觀</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="229"/>
        <source>&amp;Language</source>
        <translation>語言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="230"/>
        <source>This workstation</source>
        <translation>這台收銀台</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="238"/>
        <source>Database file</source>
        <translation>資料庫檔案</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="239"/>
        <source>Data folder</source>
        <translation>資料存放位置</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="240"/>
        <source>Log file</source>
        <translation>記錄檔</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="241"/>
        <source>Branch</source>
        <translation>門市</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="242"/>
        <source>Workstation</source>
        <translation>收銀台</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="243"/>
        <source>Device ID</source>
        <translation>裝置識別碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="253"/>
        <source>(not written: folder not writable)</source>
        <translation>（未寫入：資料夾無法寫入）</translation>
    </message>
</context>
<context>
    <name>Shift</name>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="15"/>
        <source>Enter an amount above zero.</source>
        <translation>請輸入大於零的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="16"/>
        <source>A count cannot be negative or that large; check the numbers.</source>
        <translation>點鈔數量不能是負數或這麼大；請檢查數字。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="21"/>
        <source>The count is {amount} off. A supervisor or manager must check it and add a note.</source>
        <translation>點鈔差額為 {amount}。須由主管或店長核對並加註說明。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="26"/>
        <source>No shift is open at this till. Open one first.</source>
        <translation>這台收銀機目前沒有開班。請先開班。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="29"/>
        <source>A shift is already open at this till.</source>
        <translation>這台收銀機已經開班。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="32"/>
        <source>Taking cash out needs a supervisor&apos;s or manager&apos;s approval.</source>
        <translation>取出現金須經主管或店長核可。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="35"/>
        <source>Only a supervisor or manager can see this.</source>
        <translation>只有主管或店長可以查看。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="38"/>
        <source>Say why: the reason is kept with the shift.</source>
        <translation>請說明原因：原因會與本班別一併保存。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="41"/>
        <source>This shift is not on this till.</source>
        <translation>這個班別不在這台收銀機上。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="46"/>
        <source>The shift could not do that.</source>
        <translation>班別無法執行此動作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="54"/>
        <source>The drawer is exactly right.</source>
        <translation>錢櫃金額完全正確。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="56"/>
        <source>The drawer is {amount} over.</source>
        <translation>錢櫃多出 {amount}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/wording.py" line="59"/>
        <source>The drawer is {amount} short.</source>
        <translation>錢櫃短少 {amount}。</translation>
    </message>
</context>
<context>
    <name>ShiftPanel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="185"/>
        <source>No shift is open. Count the float and open a shift.</source>
        <extracomment>The data area a shift&apos;s writes announce (screens showing the drawer reload). The open shift (a ShiftView) or None, after each load or change. A report now shown (a ShiftReport): X or Z. A problem or notice shown in the panel&apos;s message line.</extracomment>
        <translation>目前沒有開班。請清點零用金並開班。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="188"/>
        <source>Shift {number} open since {time}, by {name}; float {amount}.</source>
        <translation>第 {number} 班自 {time} 由 {name} 開班；零用金 {amount}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="223"/>
        <source>Shift {number} is open.</source>
        <translation>第 {number} 班已開班。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="238"/>
        <source>Taking cash out of the drawer</source>
        <translation>從錢櫃取出現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="261"/>
        <source>{amount} put into the drawer.</source>
        <translation>已存入錢櫃 {amount}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="263"/>
        <source>{amount} taken out of the drawer.</source>
        <translation>已從錢櫃取出 {amount}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="282"/>
        <source>Shift {number} is closed.</source>
        <translation>第 {number} 班已結班。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="306"/>
        <source>Sent to {printer}.</source>
        <translation>已送至 {printer}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="317"/>
        <source>Shift report</source>
        <translation>班別報表</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="355"/>
        <source>Float: the cash in the drawer at the start</source>
        <translation>零用金：開班時錢櫃內的現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="356"/>
        <source>Open shift</source>
        <translation>開班</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="357"/>
        <source>Cash in…</source>
        <translation>存入現金…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="358"/>
        <source>Cash out…</source>
        <translation>取出現金…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="359"/>
        <source>X report</source>
        <translation>X 帳報表</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="360"/>
        <source>Close shift…</source>
        <translation>結班…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="361"/>
        <source>Print report</source>
        <translation>列印報表</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/shift/panel.py" line="362"/>
        <source>Save as PDF…</source>
        <translation>儲存為 PDF…</translation>
    </message>
</context>
<context>
    <name>ShipDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="121"/>
        <source>Ship order {number}</source>
        <extracomment>Steps that get a plain button; the others have their own (Pay, Cancel).</extracomment>
        <translation>訂單 {number} 出貨</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="125"/>
        <source>For example 黑貓宅急便 T-Cat</source>
        <translation>例如 黑貓宅急便 T-Cat</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="134"/>
        <source>Carrier</source>
        <translation>物流業者</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/orders/detail.py" line="135"/>
        <source>Tracking number</source>
        <translation>追蹤編號</translation>
    </message>
</context>
<context>
    <name>ShopDesktop</name>
    <message>
        <location filename="../../src/shop_desktop/ui/application.py" line="152"/>
        <location filename="../../src/shop_desktop/ui/application.py" line="373"/>
        <source>Shop Desktop cannot start</source>
        <extracomment>How long the status bar says which carts the last cashier&apos;s switch parked. The :class:`LoginDialog` now on screen. The :class:`MainWindow` now on screen. The :class:`~shop_desktop.ui.first_run.FirstRunDialog` now on screen. The search index build of the open database started (its BackgroundOp). The search index of the open database is complete (built, or found current). The database file the settings named when this run chose its file; a different one later means a first enrolment made the shop&apos;s own. The database file whose search index is being built, and how far it is. Co-purchase counts wait for the index build (both write, and each would refuse the other&apos;s read-then-write transaction).</extracomment>
        <translation>Shop Desktop 無法啟動</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/application.py" line="154"/>
        <source>The data folder {path} cannot be created ({reason}). Check that the disk is writable, or choose another folder with --data-dir.</source>
        <translation>無法建立資料夾 {path}（{reason}）。請確認磁碟可以寫入，或以 --data-dir 指定其他資料夾。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/application.py" line="247"/>
        <source>Building a demo shop to try things out…</source>
        <translation>正在建立示範商店，讓您可以先試用…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/application.py" line="266"/>
        <source>Opening the shop&apos;s database…</source>
        <translation>正在開啟商店資料庫…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/application.py" line="278"/>
        <source>Before updating the database, a copy was saved as {path}.</source>
        <translation>更新資料庫之前，已將副本儲存為 {path}。</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="106"/>
        <source>Add staff</source>
        <translation>新增員工</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="106"/>
        <source>Edit staff</source>
        <translation>編輯員工</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="113"/>
        <source>User name</source>
        <translation>帳號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="114"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="115"/>
        <source>Role</source>
        <translation>職務</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="116"/>
        <source>Works at</source>
        <translation>服務分店</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="117"/>
        <source>Discount limit (%)</source>
        <translation>折扣額度（%）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="118"/>
        <source>Price change limit (%)</source>
        <translation>改價額度（%）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="119"/>
        <source>Refund limit</source>
        <translation>退款額度</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="120"/>
        <source>Cash-out limit</source>
        <translation>提出現金額度</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="123"/>
        <source>New password</source>
        <translation>新密碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="123"/>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="153"/>
        <source>Every branch</source>
        <translation>所有分店</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="171"/>
        <source>Empty: the role&apos;s</source>
        <translation>空白：依職務預設</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="172"/>
        <source>May sign in and work</source>
        <translation>可登入並執行工作</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="179"/>
        <source>At least {n} characters</source>
        <translation>至少 {n} 個字元</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="181"/>
        <source>Empty: keep the current password</source>
        <translation>空白：保留目前的密碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="197"/>
        <source>A limit in % is a number from 0 to 100, e.g. 12.5.</source>
        <translation>百分比額度為 0 到 100 的數字，例如 12.5。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="203"/>
        <source>A limit is an amount, e.g. 5000, or empty.</source>
        <translation>額度為金額（例如 5000），或留白。</translation>
    </message>
</context>
<context>
    <name>StaffSettings</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="246"/>
        <source>Type a user name (up to 64 characters).</source>
        <translation>請輸入帳號（最多 64 個字元）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="249"/>
        <source>Someone already has this user name.</source>
        <translation>此帳號已有人使用。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="252"/>
        <source>Type the person&apos;s name.</source>
        <translation>請輸入員工姓名。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="255"/>
        <source>A password needs at least {n} characters.</source>
        <translation>密碼至少需要 {n} 個字元。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="258"/>
        <source>A limit cannot be below zero or above 100%.</source>
        <translation>額度不可小於 0 或大於 100%。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="261"/>
        <source>This person is no longer on the staff list.</source>
        <translation>此員工已不在員工名單中。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="264"/>
        <source>You cannot disable yourself or give up being an administrator.</source>
        <translation>您不能停用自己的帳號或取消自己的系統管理員身分。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="314"/>
        <source>Staff</source>
        <extracomment>The list was read (or read again after a save): how many people it shows.</extracomment>
        <translation>員工</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="315"/>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="316"/>
        <source>Edit…</source>
        <translation>編輯…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="319"/>
        <source>User name</source>
        <translation>帳號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="320"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="321"/>
        <source>Role</source>
        <translation>職務</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="322"/>
        <source>Works at</source>
        <translation>服務分店</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="323"/>
        <source>Limits</source>
        <translation>額度</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="324"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="349"/>
        <source>Every branch</source>
        <translation>所有分店</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="353"/>
        <source>Active</source>
        <translation>在職</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="353"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="363"/>
        <source>No limits</source>
        <translation>無額度限制</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="367"/>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="370"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="372"/>
        <source>discount {d}, price {p}, refund {r}, cash out {c}</source>
        <translation>折扣 {d}、改價 {p}、退款 {r}、提出現金 {c}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="389"/>
        <source>Pick someone in the list first.</source>
        <translation>請先在名單中選擇一位員工。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/staff_settings.py" line="397"/>
        <source>Saved. Other tills get it at their next sync.</source>
        <translation>已儲存。其他收銀機會在下次同步時取得。</translation>
    </message>
</context>
<context>
    <name>StockSettings</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="109"/>
        <source>Stock</source>
        <extracomment>Who may change how this workstation sells (the service checks again). After the setting was read or written: the value now in force.</extracomment>
        <translation>庫存</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="110"/>
        <source>Allow selling below zero stock (reported after sync)</source>
        <translation>允許負庫存銷售（同步後回報）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="112"/>
        <location filename="../../src/shop_desktop/ui/places/settings.py" line="154"/>
        <source>Only a manager can change this.</source>
        <translation>只有經理可以變更此設定。</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="46"/>
        <source>The server cannot be reached: check the network and that the server is running. Sales are kept and sent later.</source>
        <extracomment>The controller&apos;s code for a pass that ended with a bug (written to the log file).</extracomment>
        <translation>無法連線到伺服器：請檢查網路，並確認伺服器正在運作。交易資料都已保留，稍後會送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="51"/>
        <source>The server did not answer in time; the network may be slow. Sales are kept and sent later.</source>
        <translation>伺服器未在時限內回應，網路可能較慢。交易資料都已保留，稍後會送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="56"/>
        <source>The server&apos;s certificate could not be verified, so nothing was sent. Check the address and the CA file in Settings → Server.</source>
        <translation>無法驗證伺服器的憑證，因此未傳送任何資料。請在「設定 → 伺服器」中檢查位址與 CA 檔案。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="61"/>
        <source>The server had a problem of its own. Sales are kept; syncing tries again by itself.</source>
        <translation>伺服器本身發生問題。交易資料都已保留；同步會自動重試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="65"/>
        <source>The server is busy right now. Sales are kept; syncing tries again shortly.</source>
        <translation>伺服器目前忙碌中。交易資料都已保留；同步將於稍後自動重試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="68"/>
        <source>The server asked this workstation to slow down. Sales are kept; syncing tries again shortly.</source>
        <translation>伺服器要求這台收銀台放慢同步速度。交易資料都已保留；同步將於稍後自動重試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="73"/>
        <source>The server&apos;s answer made no sense (perhaps the wrong address, or a proxy in the way). Sales are kept; syncing tries again by itself.</source>
        <translation>伺服器的回應無法解讀（可能是位址錯誤，或中間有代理伺服器）。交易資料都已保留；同步會自動重試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="79"/>
        <source>This workstation&apos;s access was revoked at the server. A manager must enrol it again in Settings → Server.</source>
        <translation>伺服器已撤銷這台收銀台的存取權。經理必須在「設定 → 伺服器」中重新註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="84"/>
        <source>This workstation&apos;s access key is missing from the system keyring. A manager must enrol it again in Settings → Server.</source>
        <translation>系統鑰匙圈中找不到這台收銀台的存取金鑰。經理必須在「設定 → 伺服器」中重新註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="89"/>
        <source>The server saw this workstation&apos;s database on another machine too. Enrol this workstation again in Settings → Server; nothing waiting is lost.</source>
        <translation>伺服器發現這台收銀台的資料庫也出現在另一台電腦上。請在「設定 → 伺服器」中重新註冊這台收銀台；等待傳送的資料都不會遺失。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="94"/>
        <source>The server refused this workstation access to another branch&apos;s data. Ask the office to check which branch this workstation belongs to.</source>
        <translation>伺服器拒絕讓這台收銀台存取其他門市的資料。請洽總公司確認這台收銀台所屬的門市。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="99"/>
        <source>Update this app to receive catalog changes; sales are still being sent.</source>
        <translation>請更新本程式，才能接收商品目錄的變更；交易仍會持續送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="103"/>
        <source>This workstation was offline too long; its catalog is being loaded again.</source>
        <translation>這台收銀台離線太久，正在重新載入商品目錄。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="107"/>
        <source>The server refused a request from this workstation. A manager can read why in the sync log.</source>
        <translation>伺服器拒絕了這台收銀台的一項請求。經理可在同步記錄中查看原因。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="112"/>
        <source>The server refused a request from this workstation as too large. A manager can read more in the sync log.</source>
        <translation>伺服器以資料過大為由，拒絕了這台收銀台的一項請求。經理可在同步記錄中查看詳細資料。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="118"/>
        <source>The system keyring is locked or missing, so this workstation cannot prove who it is. Unlock the keyring to sync.</source>
        <translation>系統鑰匙圈已鎖定或不存在，因此這台收銀台無法證明自己的身分。請解鎖鑰匙圈以進行同步。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="123"/>
        <source>Another program kept this workstation&apos;s database busy; syncing tries again shortly.</source>
        <translation>其他程式正佔用這台收銀台的資料庫；同步將於稍後自動重試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="127"/>
        <source>The disk is full. Free some space so sales can be sent to the server.</source>
        <translation>磁碟已滿。請釋出一些空間，以便將交易送至伺服器。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="130"/>
        <source>This workstation&apos;s database could not be written; syncing tries again.</source>
        <translation>無法寫入這台收銀台的資料庫；同步會再次嘗試。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="133"/>
        <source>Sync stopped because of an error in the program; it was written to the log file. Sales are kept and will be sent on the next try.</source>
        <translation>程式發生錯誤，同步已停止；錯誤已寫入記錄檔。交易資料都已保留，將在下次嘗試時送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="139"/>
        <source>Syncing with the server did not work. Sales are kept; a manager can read why in the sync log.</source>
        <translation>與伺服器同步未成功。交易資料都已保留；經理可在同步記錄中查看原因。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="154"/>
        <source>The server found a value in this operation not valid.</source>
        <translation>伺服器認為這項操作中有無效的值。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="157"/>
        <source>Someone changed this product at the same time; the server kept their version. Edit the product again if needed.</source>
        <translation>有人同時修改了這項商品，伺服器保留了對方的版本。如有需要，請重新編輯這項商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="162"/>
        <source>This operation belongs to another branch than this workstation&apos;s.</source>
        <translation>這項操作屬於其他門市，而非這台收銀台所屬的門市。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="165"/>
        <source>The server&apos;s staff list does not allow the person who did this (or who approved it) to do it; the server did not apply it.</source>
        <translation>伺服器的員工名單不允許執行（或核准）此操作的人員這麼做；伺服器未套用此操作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="170"/>
        <source>The server does not know this kind of operation; it may need updating.</source>
        <translation>伺服器無法識別這種操作；伺服器可能需要更新。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="173"/>
        <source>This app is newer than the server: the server cannot read this operation yet. Send it again after the server is updated.</source>
        <translation>本程式的版本比伺服器新，伺服器目前還無法讀取這項操作。請在伺服器更新後重新送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="178"/>
        <source>The server already has another operation with this number from this workstation (was the database restored from a copy?).</source>
        <translation>伺服器上已有這台收銀台送出、序號相同的另一項操作（資料庫是否曾從副本還原？）。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="183"/>
        <source>This operation is too big for the server to accept.</source>
        <translation>這項操作的資料過大，伺服器無法接受。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="186"/>
        <source>The server does not hold the order this step is for.</source>
        <translation>伺服器上沒有這個步驟所屬的訂單。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="189"/>
        <source>The server does not know this product.</source>
        <translation>伺服器上找不到這項商品。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="192"/>
        <source>Something in this operation already exists on the server.</source>
        <translation>這項操作中的部分資料已存在於伺服器上。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="196"/>
        <source>Another sale on the server already has this invoice number.</source>
        <translation>伺服器上已有另一筆交易使用這個發票號碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="200"/>
        <source>The server refused this operation.</source>
        <translation>伺服器拒絕了這項操作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="207"/>
        <source>Sale</source>
        <translation>銷售</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="208"/>
        <source>Order taken</source>
        <translation>成立訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="209"/>
        <source>Order paid</source>
        <translation>訂單付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="210"/>
        <source>Order status change</source>
        <translation>訂單狀態變更</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="211"/>
        <source>Order cancelled</source>
        <translation>取消訂單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="212"/>
        <source>Cart parked</source>
        <translation>掛單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="213"/>
        <source>Parked cart recalled</source>
        <translation>取單</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="214"/>
        <source>Product edit</source>
        <translation>編輯商品</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="215"/>
        <source>Member change</source>
        <translation>會員資料變更</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="216"/>
        <source>Staff change</source>
        <translation>員工異動</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="255"/>
        <source>Sent to the server: {applied} new, {duplicates} already there, {rejected} refused.</source>
        <translation>已傳送至伺服器：新增 {applied} 項，{duplicates} 項已存在，{rejected} 項遭拒絕。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="265"/>
        <source>The server refused {operation} no. {number}: {reason}</source>
        <translation>伺服器拒絕了{operation}（序號 {number}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="275"/>
        <source>A manager queued {operation} again; it goes as no. {number}.</source>
        <translation>經理已將{operation}重新放回佇列，新的序號為 {number}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="281"/>
        <source>The server&apos;s version of the refused product arrives with the next catalog update.</source>
        <translation>被拒絕商品在伺服器上的版本，將隨下次商品目錄更新送達。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="287"/>
        <source>The server&apos;s version of the refused product could not be stored on this workstation; the next catalog update brings it again.</source>
        <translation>無法將被拒絕商品在伺服器上的版本儲存到這台收銀台；下次商品目錄更新時會再次送達。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="295"/>
        <source>Changes received from the server: {changes}.</source>
        <translation>已從伺服器接收變更：{changes} 項。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="301"/>
        <source>Catalog loaded from the server: {rows} rows in {seconds} s.</source>
        <translation>已從伺服器載入商品目錄：{rows} 筆資料，耗時 {seconds} 秒。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="318"/>
        <source>{problem} Next try in {seconds} s.</source>
        <translation>{problem}將於 {seconds} 秒後再試一次。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="331"/>
        <source>Enrolled as workstation {workstation}, invoice series {prefix}.</source>
        <translation>已註冊為收銀台 {workstation}，發票字軌 {prefix}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="334"/>
        <source>Enrolled as workstation {workstation}, invoice series {prefix}; unsent operations numbered again: {renumbered}.</source>
        <translation>已註冊為收銀台 {workstation}，發票字軌 {prefix}；尚未送出的操作已重新編號：{renumbered} 項。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="342"/>
        <source>(none)</source>
        <translation>（無）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="344"/>
        <source>Sync settings changed: server {server}; certificate checks OFF.</source>
        <translation>同步設定已變更：伺服器 {server}；憑證檢查已「關閉」。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="347"/>
        <source>Sync settings changed: server {server}; certificate checks on.</source>
        <translation>同步設定已變更：伺服器 {server}；憑證檢查已開啟。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="403"/>
        <source>{operation} {number}, total {total}</source>
        <translation>{operation} {number}，合計 {total}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="407"/>
        <source>{operation} {number}</source>
        <translation>{operation} {number}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/wording.py" line="412"/>
        <source>{operation}: {fields}</source>
        <translation>{operation}：{fields}</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/controller.py" line="236"/>
        <source>Sync stopped because of an error in the program; it was written to the log file. Sales are kept and will be sent on the next try.</source>
        <extracomment>The regular pause between passes when nothing asks for one sooner. States in which a pass cannot help until a person acts (re-enrols, updates): the timer then only re-reads the status, it does not knock on the server. The latest :class:`SyncStatus`; emitted after every pass and status read. The :class:`SyncReport` of a finished pass (tests and the log dialog wait on it). A pass ended with an error that is not the network&apos;s (a bug or the disk).</extracomment>
        <translation>程式發生錯誤，同步已停止；錯誤已寫入記錄檔。交易資料都已保留，將在下次嘗試時送出。</translation>
    </message>
</context>
<context>
    <name>SyncLogDialog</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="364"/>
        <source>Sync log</source>
        <extracomment>After an operation was queued again (the status bar&apos;s counts change). After both lists were (re)loaded; tests wait on it.</extracomment>
        <translation>同步記錄</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="367"/>
        <source>Log</source>
        <translation>記錄</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="386"/>
        <source>Refused operations</source>
        <translation>被拒絕的操作</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="369"/>
        <source>Send again</source>
        <translation>重新送出</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="370"/>
        <source>Reload</source>
        <translation>重新載入</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="373"/>
        <source>The server refused these for good. They are kept here and not lost. Fix the cause (for example the product or member named), then send them again.</source>
        <translation>伺服器已永久拒絕這些操作。它們保留在這裡，不會遺失。請先排除原因（例如所提到的商品或會員），再重新送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="378"/>
        <source>Put the chosen operation back in the queue; the next sync sends it.</source>
        <translation>將選取的操作放回佇列；下次同步時會送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="380"/>
        <source>Only a manager can send refused operations again.</source>
        <translation>只有經理可以重新送出被拒絕的操作。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="388"/>
        <source>Refused operations ({count})</source>
        <translation>被拒絕的操作（{count}）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="426"/>
        <source>This operation was already sent again.</source>
        <translation>這項操作已經重新送出。</translation>
    </message>
</context>
<context>
    <name>SyncLogModel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="166"/>
        <source>Time</source>
        <extracomment>How many log rows are read: the newest, which are the ones that matter.</extracomment>
        <translation>時間</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="167"/>
        <source>What</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="168"/>
        <source>Level</source>
        <translation>層級</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="169"/>
        <source>Message</source>
        <translation>訊息</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="174"/>
        <source>Sending</source>
        <translation>傳送</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="175"/>
        <source>Receiving</source>
        <translation>接收</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="176"/>
        <source>Problem</source>
        <translation>問題</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="177"/>
        <source>Enrolment</source>
        <translation>註冊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="178"/>
        <source>Catalog load</source>
        <translation>載入商品目錄</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="179"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="185"/>
        <source>Information</source>
        <translation>資訊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="186"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/log_dialog.py" line="187"/>
        <source>Error</source>
        <translation>錯誤</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="105"/>
        <source>Pending: {count}</source>
        <extracomment>|clock skew| from this many seconds up is worth telling (and colouring). The &quot;… ago&quot; text is refreshed this often. The manager clicked the refused-ops count (the log dialog opens too).</extracomment>
        <translation>待送出：{count}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="107"/>
        <source>Sales and changes waiting to be sent to the server.</source>
        <translation>等待送至伺服器的交易與變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="112"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="118"/>
        <source>Send waiting sales and fetch changes now.</source>
        <translation>立即送出等待中的交易並取得變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="122"/>
        <source>Not connected to a server</source>
        <translation>未連接伺服器</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="123"/>
        <source>Online</source>
        <translation>連線中</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="123"/>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="125"/>
        <source>Offline</source>
        <translation>離線</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="124"/>
        <source>Syncing…</source>
        <translation>同步中…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="126"/>
        <source>Access revoked</source>
        <translation>存取權已撤銷</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="127"/>
        <source>Enrol again</source>
        <translation>請重新註冊</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="128"/>
        <source>Update needed</source>
        <translation>需要更新</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="140"/>
        <source>This workstation is not connected to a central server. A manager can enrol it in Settings → Server.</source>
        <translation>這台收銀台未連接中央伺服器。經理可在「設定 → 伺服器」中為它註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="144"/>
        <source>This workstation&apos;s access was revoked at the server. Sales are kept here; a manager must enrol it again in Settings → Server.</source>
        <translation>伺服器已撤銷這台收銀台的存取權。交易資料都保留在本機；經理必須在「設定 → 伺服器」中重新註冊。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="148"/>
        <source>This database was copied from another workstation, so the server stopped taking its sales. Enrol this workstation again in Settings → Server; nothing waiting is lost.</source>
        <translation>這個資料庫是從其他收銀台複製而來，因此伺服器已停止接收它的交易。請在「設定 → 伺服器」中重新註冊這台收銀台；等待傳送的資料都不會遺失。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="153"/>
        <source>Sales are still sent, but catalog changes cannot be received until this app is updated.</source>
        <translation>交易仍會送出，但必須更新本程式後才能接收商品目錄的變更。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="157"/>
        <source>Syncing is paused. Selling goes on; sales are sent when syncing works again.</source>
        <translation>同步已暫停。仍可繼續銷售；同步恢復後會送出交易。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="167"/>
        <source>Next try at {time}.</source>
        <translation>下次嘗試時間：{time}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="176"/>
        <source>Last sync: never</source>
        <translation>上次同步：從未同步</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="177"/>
        <source>No sync has succeeded yet.</source>
        <translation>尚未成功同步過。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="180"/>
        <source>Last sync: {age}</source>
        <translation>上次同步：{age}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="183"/>
        <source>Last successful sync: {time}</source>
        <translation>上次成功同步：{time}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="188"/>
        <source>just now</source>
        <translation>剛剛</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="191"/>
        <source>{n} min ago</source>
        <translation>{n} 分鐘前</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="194"/>
        <source>{n} h ago</source>
        <translation>{n} 小時前</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="195"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="223"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="204"/>
        <source>Clock {amount} slow</source>
        <translation>時鐘慢了 {amount}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="206"/>
        <source>Clock {amount} fast</source>
        <translation>時鐘快了 {amount}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="210"/>
        <source>This computer&apos;s clock differs from the server&apos;s by {amount}. Sales keep their order, but receipts and reports show this computer&apos;s time: set the clock.</source>
        <translation>這台電腦的時鐘與伺服器相差 {amount}。交易順序不受影響，但收據與報表會顯示這台電腦的時間：請校正時鐘。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="219"/>
        <source>{n} min</source>
        <translation>{n} 分鐘</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="222"/>
        <source>{n} h</source>
        <translation>{n} 小時</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="227"/>
        <source>Refused: {count}</source>
        <translation>被拒絕：{count}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="230"/>
        <source>The server refused some operations. Click to read why and send again.</source>
        <translation>伺服器拒絕了部分操作。按一下以查看原因並重新送出。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="235"/>
        <source>The server refused some operations. Ask a manager to look at the sync log.</source>
        <translation>伺服器拒絕了部分操作。請經理查看同步記錄。</translation>
    </message>
</context>
<context>
    <name>TenderPanel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="253"/>
        <source>Cash received</source>
        <extracomment>The order the money is for (a cart&apos;s id is its order&apos;s id). The member paying, if any: store credit needs one. Starts our trade numbers at the wallet provider (26 letters or digits); the panel adds the attempt, so each scan has its own. Emitted after a tender was taken or taken off again. The wallet charge, give-back or the dialog&apos;s own write under way, if any. Where the cursor goes when a method is picked: a wallet waits for the scan.</extracomment>
        <translation>實收現金</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="254"/>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="257"/>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="261"/>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="255"/>
        <source>Approval code</source>
        <translation>授權碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="256"/>
        <source>Last four digits</source>
        <translation>卡號末四碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="258"/>
        <source>Payment code</source>
        <translation>付款碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="259"/>
        <source>Scan the code in the customer&apos;s app</source>
        <translation>請掃描顧客 App 上的付款碼</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="260"/>
        <source>Balance</source>
        <translation>餘額</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="262"/>
        <source>Stop waiting</source>
        <translation>停止等候</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="263"/>
        <source>Remove payment (Del)</source>
        <translation>刪除付款 (Del)</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="265"/>
        <source>No member attached</source>
        <translation>尚未帶入會員</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="274"/>
        <source>A card cannot pay more than is left to pay.</source>
        <translation>刷卡金額不能超過尚需付款的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="276"/>
        <source>Store credit cannot pay more than is left to pay.</source>
        <translation>儲值金支付金額不能超過尚需付款的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="277"/>
        <source>A wallet cannot pay more than is left to pay.</source>
        <translation>行動支付金額不能超過尚需付款的金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="280"/>
        <source>Nothing is left to pay: finish with F9.</source>
        <translation>款項已付清，請按 F9 完成。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="281"/>
        <source>Type an amount, for example {example}.</source>
        <translation>請輸入金額，例如 {example}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="285"/>
        <source>Type the approval code from the card terminal.</source>
        <translation>請輸入刷卡機上的授權碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="288"/>
        <source>Type exactly the last four digits of the card.</source>
        <translation>請完整輸入卡號末四碼。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="291"/>
        <source>Store credit needs a member, and none is attached.</source>
        <translation>使用儲值金須有會員身分，目前尚未帶入會員。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="293"/>
        <source>The member&apos;s store credit is not enough.</source>
        <translation>會員的儲值金餘額不足。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="295"/>
        <source>The cash handed over is less than the amount.</source>
        <translation>實收現金少於應收金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="297"/>
        <source>Only cash can give change.</source>
        <translation>只有現金可以找零。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="298"/>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="393"/>
        <source>{missing} is still to be paid.</source>
        <translation>尚需付款 {missing}。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="301"/>
        <source>More was taken than the total.</source>
        <translation>收取的金額超過應付金額。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="334"/>
        <source>Total {amount}</source>
        <translation>應付金額 {amount}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="338"/>
        <source>Paid {paid} · Still to pay {remaining}</source>
        <translation>已付 {paid} · 尚需付款 {remaining}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="344"/>
        <source>Change {amount}</source>
        <translation>找零 {amount}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="350"/>
        <source>received {received}, change {change}</source>
        <translation>實收 {received}，找零 {change}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="477"/>
        <source>Cancel payment</source>
        <translation>取消付款</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="479"/>
        <source>Mobile wallet payments were taken. Give them back to the customer and stop taking payment?</source>
        <translation>已收取行動支付款項。要將款項退還給顧客並停止收款嗎？</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="600"/>
        <source>That is not an Alipay or WeChat Pay payment code. Scan it again.</source>
        <translation>這不是支付寶或微信支付的付款碼，請重新掃描。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="641"/>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="648"/>
        <source>Sending the payment to {wallet}…</source>
        <translation>正在將付款送至 {wallet}…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="650"/>
        <source>Waiting for the customer to confirm in {wallet}…</source>
        <translation>等待顧客在 {wallet} 確認付款…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="652"/>
        <source>Checking the payment with {wallet}…</source>
        <translation>正在向 {wallet} 查詢付款結果…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="653"/>
        <source>Cancelling the payment at {wallet}…</source>
        <translation>正在向 {wallet} 取消付款…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="695"/>
        <source>A wallet payment could not be cancelled. It stays on this payment; call a manager to refund it.</source>
        <translation>有一筆行動支付款項無法取消，仍保留在這筆付款中；請聯絡主管辦理退款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/payment/tender_panel.py" line="709"/>
        <source>Cancelling the wallet payment…</source>
        <translation>正在取消行動支付款項…</translation>
    </message>
</context>
<context>
    <name>TlsWarning</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="99"/>
        <source>Turn off certificate checks?</source>
        <extracomment>What an enrolment can be refused with; the server&apos;s or the network&apos;s answer, not a bug.</extracomment>
        <translation>要關閉憑證檢查嗎？</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="102"/>
        <source>Without certificate checks, anyone on the network can pretend to be the server: they could read this workstation&apos;s sales and its key, and send it false prices. Only turn this off for a test server. If your server uses its own certificate authority, choose its CA file instead.</source>
        <translation>關閉憑證檢查後，網路上的任何人都能冒充伺服器：他們可以讀取這台收銀台的交易資料與金鑰，並傳送錯誤的價格。請只在測試伺服器上關閉此檢查。如果您的伺服器使用自有的憑證授權單位，請改為選擇它的 CA 檔案。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="109"/>
        <source>Turn checks off</source>
        <translation>關閉檢查</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/server_settings.py" line="111"/>
        <source>Keep checks on</source>
        <translation>保持檢查</translation>
    </message>
</context>
<context>
    <name>TotalsPanel</name>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="55"/>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="58"/>
        <source>Subtotal</source>
        <translation>小計</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="62"/>
        <source>Coupon {code}: {reason}</source>
        <translation>優惠券 {code}：{reason}</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="69"/>
        <source>Tax {rate} (included)</source>
        <translation>稅額 {rate}（內含）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="71"/>
        <source>Tax {rate} (added)</source>
        <translation>稅額 {rate}（外加）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="74"/>
        <source>Delivery fee</source>
        <translation>運費</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="76"/>
        <source>Rounding</source>
        <translation>尾數調整</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/sell/totals.py" line="86"/>
        <source>Total {amount}</source>
        <translation>合計 {amount}</translation>
    </message>
</context>
<context>
    <name>WalletSettings</name>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="148"/>
        <source>Mobile wallets</source>
        <extracomment>What the last check found (each wallet&apos;s missing entries), or that the keyring failed.</extracomment>
        <translation>行動支付</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="149"/>
        <source>Alipay</source>
        <translation>支付寶</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="150"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="152"/>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="155"/>
        <source>App ID</source>
        <translation>應用程式 ID（AppID）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="153"/>
        <source>Gateway (empty: Alipay&apos;s own)</source>
        <translation>閘道（留空：使用支付寶預設閘道）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="154"/>
        <source>Merchant ID</source>
        <translation>商戶號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="156"/>
        <source>Gateway (empty: WeChat Pay&apos;s own)</source>
        <translation>閘道（留空：使用微信支付預設閘道）</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="157"/>
        <source>Merchant certificate serial number</source>
        <translation>商戶憑證序號</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="158"/>
        <source>WeChat Pay public key ID</source>
        <translation>微信支付公鑰 ID</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="163"/>
        <source>App private key…</source>
        <translation>應用程式私鑰…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="164"/>
        <source>Alipay public key…</source>
        <translation>支付寶公鑰…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="165"/>
        <source>Merchant private key…</source>
        <translation>商戶私鑰…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="166"/>
        <source>APIv3 key…</source>
        <translation>APIv3 金鑰…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="167"/>
        <source>WeChat Pay public key…</source>
        <translation>微信支付公鑰…</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="171"/>
        <source>Save wallet settings</source>
        <translation>儲存行動支付設定</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="237"/>
        <source>Not ready: %n setting(s) or key(s) missing.</source>
        <translation>
            <numerusform>尚未就緒：缺少 %n 項設定或金鑰。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="240"/>
        <source>Ready to take payments.</source>
        <translation>已可收款。</translation>
    </message>
    <message>
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="233"/>
        <source>The system keyring cannot be used: keys cannot be stored or read.</source>
        <translation>無法使用系統鑰匙圈：無法儲存或讀取金鑰。</translation>
    </message>
</context>
</TS>
