"""The board's labels in zh-CN and English: a small dict until the i18n catalog lands.

The terms are the ones supervisors already say (DOMAIN.md): 排队 waiting, 服务水平
service level, 放弃率 abandon rate, 示闲 available, 通话 on call, 话后处理 wrap-up,
小休/暂停 paused.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Floor",
        "waiting": "Waiting",
        "longest_wait": "Longest wait",
        "service_level": "Service level",
        "target": "target",
        "abandon_rate": "Abandoned",
        "available": "Available",
        "on_call": "On call",
        "wrap_up": "Wrap-up",
        "paused": "Paused",
        "agents": "Agents",
        "no_queues": "No queues on the floor yet",
        "disconnected": "Connection lost - reconnecting",
        "forbidden": "This board needs its link with the token.",
        "feed.live": "live",
        "feed.backfilling": "reading the shift",
        "feed.catching_up": "catching up",
        "feed.missing": "feed file missing",
        "feed.unreadable": "feed unreadable",
        "feed.problem": "feed problem",
        "state.AVAILABLE": "available",
        "state.RINGING": "ringing",
        "state.ON_CALL": "on call",
        "state.WRAP_UP": "wrap-up",
        "state.PAUSED": "paused",
    },
    "zh_CN": {
        "title": "话务现场",
        "waiting": "排队",
        "longest_wait": "最长等待",
        "service_level": "服务水平",
        "target": "目标",
        "abandon_rate": "放弃率",
        "available": "示闲",
        "on_call": "通话",
        "wrap_up": "话后处理",
        "paused": "暂停",
        "agents": "坐席",
        "no_queues": "暂无队列",
        "disconnected": "连接中断，正在重连",
        "forbidden": "请使用带令牌的链接打开此看板。",
        "feed.live": "实时",
        "feed.backfilling": "正在读取本班数据",
        "feed.catching_up": "正在追赶",
        "feed.missing": "数据文件不存在",
        "feed.unreadable": "数据文件无法读取",
        "feed.problem": "数据源故障",
        "state.AVAILABLE": "示闲",
        "state.RINGING": "振铃",
        "state.ON_CALL": "通话",
        "state.WRAP_UP": "话后处理",
        "state.PAUSED": "暂停",
    },
}

HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
