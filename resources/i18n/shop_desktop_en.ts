<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BatchShipDialog</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="108"/>
        <source>Ship %n order(s)</source>
        <extracomment>The role under which the first cell keeps the order&apos;s id.</extracomment>
        <translation>
            <numerusform>Ship %n order</numerusform>
            <numerusform>Ship %n orders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CatalogBrowser</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="752"/>
        <source>%Ln product(s)</source>
        <translation>
            <numerusform>%Ln product</numerusform>
            <numerusform>%Ln products</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/catalog/browser.py" line="758"/>
        <source>%Ln match(es)</source>
        <translation>
            <numerusform>%Ln match</numerusform>
            <numerusform>%Ln matches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FulfilmentView</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="400"/>
        <source>%n order(s) are being picked.</source>
        <translation>
            <numerusform>%n order is being picked.</numerusform>
            <numerusform>%n orders are being picked.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/orders/fulfilment.py" line="424"/>
        <source>%n order(s) shipped.</source>
        <translation>
            <numerusform>%n order shipped.</numerusform>
            <numerusform>%n orders shipped.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrdersPlace</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="115"/>
        <source>%Ln order(s) shown, scroll for more</source>
        <translation>
            <numerusform>%Ln order shown, scroll for more</numerusform>
            <numerusform>%Ln orders shown, scroll for more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/orders.py" line="117"/>
        <source>%Ln order(s)</source>
        <translation>
            <numerusform>%Ln order</numerusform>
            <numerusform>%Ln orders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="195"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/sync/status_widget.py" line="223"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WalletSettings</name>
    <message numerus="yes">
        <location filename="../../src/shop_desktop/ui/places/wallet_settings.py" line="237"/>
        <source>Not ready: %n setting(s) or key(s) missing.</source>
        <translation>
            <numerusform>Not ready: %n setting or key missing.</numerusform>
            <numerusform>Not ready: %n settings or keys missing.</numerusform>
        </translation>
    </message>
</context>
</TS>
